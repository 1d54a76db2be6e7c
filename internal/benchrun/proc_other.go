//go:build !linux

package main

import (
	"os"
	"syscall"
)

// childProcAttr has nothing to add off Linux.
func childProcAttr() *syscall.SysProcAttr { return nil }

// maxRSSKB is unknown off Linux, where ru_maxrss has other units or none.
func maxRSSKB(*os.ProcessState) int64 { return 0 }
