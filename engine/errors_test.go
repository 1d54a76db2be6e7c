package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestErrorKind(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{rpctypes.ErrGRPCNoSpace, "nospace"},
		{rpctypes.ErrGRPCLeaderChanged, "leader_changed"},
		{rpctypes.ErrGRPCTimeout, "request_timed_out"},
		{status.Error(codes.Unavailable, "connection refused"), "unavailable"},
		{status.Error(codes.DeadlineExceeded, "context deadline exceeded"), "deadline_exceeded"},
		{status.Error(codes.ResourceExhausted, "grpc: received message larger than max"), "resource_exhausted"},
		{fmt.Errorf("put: %w", context.DeadlineExceeded), "deadline_exceeded"},
		{context.Canceled, "canceled"},
		{errors.New("boom"), "other"},
	}
	for _, c := range cases {
		if got := ErrorKind(c.err); got != c.want {
			t.Errorf("ErrorKind(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
