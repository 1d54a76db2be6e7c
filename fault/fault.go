// Package fault is etcdtune's one error vocabulary. An error that decides
// how a command ends carries one of three marks: the user's input cannot be
// honoured (BadInput), the etcd under test cannot be reached or used
// (Unusable), or a check the user asked for failed (CheckFailed). Every
// package marks its errors where it knows which they are; the command line
// turns the mark into the exit code in one place (cmd/etcdtune/exit.go).
//
// fault is a leaf: it imports nothing of etcdtune, so every package can use it.
package fault

import (
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// Kind is what went wrong, as far as the exit code cares.
type Kind int

const (
	// Failed is an error with no mark: the command failed (exit 1).
	Failed Kind = iota
	// BadInput: a flag, an argument or a file etcdtune cannot honour,
	// found before any load (exit 2).
	BadInput
	// Unusable: the target cannot be reached or used: unreachable, TLS or
	// auth refused, a prefix in use, a cluster the guard refuses (exit 3).
	Unusable
	// CheckFailed: a check the user asked for failed: a regression, a
	// verdict under --fail-on, a guard abort (exit 1).
	CheckFailed
)

func (k Kind) String() string {
	switch k {
	case BadInput:
		return "bad input"
	case Unusable:
		return "target unusable"
	case CheckFailed:
		return "check failed"
	}
	return "failed"
}

// Error is an error with its mark. Reported means the command has already
// shown it to the user (a guard abort printed as it happened), so the last
// line need not repeat it.
type Error struct {
	Kind     Kind
	Err      error
	Reported bool
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Mark gives err the kind k; nil stays nil. The outermost mark wins, so a
// caller that knows better may mark again.
func Mark(k Kind, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: k, Err: err}
}

// Input marks err as bad input.
func Input(err error) error { return Mark(BadInput, err) }

// Inputf is fmt.Errorf marked as bad input.
func Inputf(format string, args ...any) error { return Input(fmt.Errorf(format, args...)) }

// Target marks err as the target being unusable.
func Target(err error) error { return Mark(Unusable, err) }

// Targetf is fmt.Errorf marked as the target being unusable.
func Targetf(format string, args ...any) error { return Target(fmt.Errorf(format, args...)) }

// Check marks err as a failed check.
func Check(err error) error { return Mark(CheckFailed, err) }

// Checkf is fmt.Errorf marked as a failed check.
func Checkf(format string, args ...any) error { return Check(fmt.Errorf(format, args...)) }

// Reported marks err as already shown to the user.
func Reported(err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Kind: KindOf(err), Err: err, Reported: true}
	return e
}

// KindOf is err's outermost mark. An error with none is Unusable when it is
// etcd refusing the user (reachable, but not usable by this user, which the
// command line reports like an unreachable target), else Failed.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if IsAuth(err) {
		return Unusable
	}
	return Failed
}

// Is reports whether err's kind is k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// IsReported reports whether err was already shown to the user.
func IsReported(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Reported
}

// authErrors are etcd refusing the user: a role without permission on the
// prefix, a wrong password or an invalid token.
var authErrors = []error{rpctypes.ErrPermissionDenied, rpctypes.ErrAuthFailed,
	rpctypes.ErrInvalidAuthToken, rpctypes.ErrInvalidAuthMgmt, rpctypes.ErrUserEmpty,
	rpctypes.ErrAuthOldRevision, rpctypes.ErrGRPCPermissionDenied, rpctypes.ErrGRPCAuthFailed,
	rpctypes.ErrGRPCInvalidAuthToken}

// IsAuth reports whether err is etcd refusing the user.
func IsAuth(err error) bool {
	for _, e := range authErrors {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
