package probes

import "fmt"

// InputError means the caller asked for something a probe cannot honour:
// a folder that does not exist or cannot be written, a block size out of
// range, too little free space. The command turns it into exit code 2.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

// BadInput marks the error as the user's input, for the exit code.
func (e *InputError) BadInput() bool { return true }

func inputErrorf(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}
