//go:build linux

package localetcd

import "syscall"

// childProcAttr makes the kernel kill an etcd child when its parent dies, so
// that a crashed or killed test leaves no etcd behind. Pdeathsig follows the
// OS thread that forked the child, not the process; the Go runtime does not
// retire threads in practice, and Close kills the children anyway.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
