package main

import (
	"strings"

	"github.com/etcdtune/etcdtune/fault"
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

// exitCodes is the one place an error's mark becomes the exit code. An
// error with no mark is a failure like a failed check.
var exitCodes = map[fault.Kind]int{
	fault.Failed:      exitCheckFailed,
	fault.BadInput:    exitBadInput,
	fault.Unusable:    exitUnusable,
	fault.CheckFailed: exitCheckFailed,
}

// badInput marks err as the user's input being wrong (exit 2).
var badInput = fault.Input

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	return exitCodes[fault.KindOf(err)]
}

// isSilent reports whether the error was already shown to the user, so
// that the last line need not repeat it.
func isSilent(err error) bool { return fault.IsReported(err) }

// oneLine keeps an error to one line: the user sees what was wrong, not a
// trace.
func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
