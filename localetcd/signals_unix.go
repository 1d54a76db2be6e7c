//go:build unix

package localetcd

import (
	"os"
	"syscall"
)

// Signals that freeze a process, let it go on, and ask it to stop.
var (
	signalPause  os.Signal = syscall.SIGSTOP
	signalResume os.Signal = syscall.SIGCONT
	signalStop   os.Signal = syscall.SIGTERM
)
