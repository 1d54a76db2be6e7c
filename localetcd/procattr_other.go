//go:build !linux

package localetcd

import "syscall"

// childProcAttr has no parent-death signal outside Linux: only Close (or
// Kill) stops the children there.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}
