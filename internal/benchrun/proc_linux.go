//go:build linux

package main

import (
	"os"
	"syscall"
)

// childProcAttr makes the kernel kill a load generator when benchrun dies,
// so that an interrupted pass leaves nothing loading the shared machine.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// maxRSSKB is the peak resident set of a finished child, in kB (Linux
// reports ru_maxrss in kB).
func maxRSSKB(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return ru.Maxrss
}
