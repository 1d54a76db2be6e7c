package etcdconn

import (
	"errors"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// IsAuthError reports whether err is etcd refusing the user: a role without
// permission on the prefix, a wrong password or an invalid token. The
// target is reachable but not usable by this user, which the command line
// reports like an unreachable one.
func IsAuthError(err error) bool {
	for _, e := range []error{rpctypes.ErrPermissionDenied, rpctypes.ErrAuthFailed,
		rpctypes.ErrInvalidAuthToken, rpctypes.ErrInvalidAuthMgmt, rpctypes.ErrUserEmpty,
		rpctypes.ErrAuthOldRevision, rpctypes.ErrGRPCPermissionDenied, rpctypes.ErrGRPCAuthFailed,
		rpctypes.ErrGRPCInvalidAuthToken} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
