//go:build !unix

package localetcd

import "os"

// Without job-control signals Pause and Resume report an error (a nil
// signal), and Stop can only kill.
var (
	signalPause  os.Signal
	signalResume os.Signal
	signalStop   os.Signal = os.Kill
)
