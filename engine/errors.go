package engine

import (
	"context"
	"errors"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// etcdErrorKinds names the server errors an operator tells apart: each
// points at a different cause (disk, quorum, quota, auth).
var etcdErrorKinds = map[string]string{
	rpctypes.ErrorDesc(rpctypes.ErrGRPCNoLeader):                   "no_leader",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCLeaderChanged):              "leader_changed",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCNotLeader):                  "not_leader",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCStopped):                    "server_stopped",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCTimeout):                    "request_timed_out",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCTimeoutDueToLeaderFail):     "request_timed_out_leader_fail",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCTimeoutDueToConnectionLost): "request_timed_out_connection_lost",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCTimeoutWaitAppliedIndex):    "request_timed_out_applied_index",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCUnhealthy):                  "unhealthy_cluster",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCNoSpace):                    "nospace",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCRequestTooManyRequests):     "too_many_requests",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCRequestTooLarge):            "request_too_large",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCCompacted):                  "compacted",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCFutureRev):                  "future_revision",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCPermissionDenied):           "permission_denied",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCInvalidAuthToken):           "invalid_auth_token",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCAuthFailed):                 "auth_failed",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCCorrupt):                    "corrupt",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCDuplicateKey):               "duplicate_key",
	rpctypes.ErrorDesc(rpctypes.ErrGRPCTooManyOps):                 "too_many_ops",
}

// ErrorKind names the kind of a request error, for counting: the etcd error
// when the server gave one, else the gRPC status code in snake case, else
// "deadline_exceeded", "canceled" or "other".
func ErrorKind(err error) string {
	if err == nil {
		return ""
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	st, ok := status.FromError(err)
	if !ok {
		return "other"
	}
	if kind, ok := etcdErrorKinds[st.Message()]; ok {
		return kind
	}
	if st.Code() == codes.OK {
		return "other"
	}
	return codeName(st.Code())
}

// codeName turns a gRPC code ("DeadlineExceeded") into snake case.
func codeName(c codes.Code) string {
	var b strings.Builder
	for i, r := range c.String() {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
