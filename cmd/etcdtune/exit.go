package main

import (
	"errors"
	"strings"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
)

// Exit codes, as the README documents them.
const (
	exitOK          = 0
	exitCheckFailed = 1 // a regression, a verdict under --fail-on, a guard abort
	exitBadInput    = 2 // a flag, an argument or a file etcdtune cannot honour
	exitUnusable    = 3 // the target cannot be reached or used
	// exitInterrupted is the shell's code for a run ended by Ctrl-C (128+SIGINT).
	exitInterrupted = 130
)

// codedError carries its exit code.
type codedError struct {
	code   int
	err    error
	silent bool // already reported on the terminal
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// badInput marks err as the user's input being wrong (exit 2).
func badInput(err error) error {
	if err == nil {
		return nil
	}
	return &codedError{code: exitBadInput, err: err}
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	// Packages below cmd mark input the target or the machine cannot
	// honour (a history deeper than the revision, an unwritable folder) by
	// this method, so every command maps it alike.
	var in interface{ BadInput() bool }
	if errors.As(err, &in) && in.BadInput() {
		return exitBadInput
	}
	var unreachable *etcdconn.UnreachableError
	var inUse *engine.PrefixInUseError
	var prep *engine.PrepareError
	var refused *engine.GuardRefusedError
	switch {
	case errors.As(err, &unreachable), errors.As(err, &inUse), errors.As(err, &prep),
		etcdconn.IsAuthError(err), errors.As(err, &refused):
		return exitUnusable
	}
	return exitCheckFailed
}

func isSilent(err error) bool {
	var ce *codedError
	return errors.As(err, &ce) && ce.silent
}

// oneLine keeps an error to one line: the user sees what was wrong, not a
// trace.
func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
