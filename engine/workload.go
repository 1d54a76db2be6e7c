package engine

import (
	"context"
	"errors"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/result"
)

// A Workload is one kind of load: what it prepares, what each worker sends,
// and what it leaves behind.
type Workload interface {
	// Name is the workload's name in the result file, e.g. "put".
	Name() string
	// Kinds lists the operation kinds it sends; Sender.Send returns an index
	// into it.
	Kinds() []string
	// Params are the workload's own parameters, for the result file.
	Params() map[string]any
	// Keys is the key space the workload writes, for the prefix check and
	// the cleanup.
	Keys() KeySpec
	// Prepare runs before the load, e.g. to preload the keys a range reads.
	Prepare(ctx context.Context, clients []*clientv3.Client) error
	// NewSender returns the state of worker id, which sends on client c.
	// Senders are not shared between goroutines.
	NewSender(id int, c *clientv3.Client) Sender
}

// A Sender sends one request at a time for one worker.
type Sender interface {
	// Send sends one request and returns the index of its kind. intended is
	// when the request was meant to go out: the schedule's time in open
	// loop, now in closed loop. A workload whose figures start from the send
	// (watch delivery) stamps it into what it writes.
	Send(ctx context.Context, intended time.Time) (kind int, err error)
}

// ErrLoadDone, returned by a Sender (alone or wrapped), says that the
// workload has nothing more to send (bench quota: the cluster is full):
// in closed loop, the engine ends the load as at the end of the duration,
// and that request is not counted.
var ErrLoadDone = errors.New("the workload is done")

// A Finisher is a workload with figures of its own beyond the engine's
// (watch integrity, CAS conflicts): Finish runs once the load has ended,
// before the cleanup, and adds them to the result.
type Finisher interface {
	Finish(ctx context.Context, r *result.Workload) error
}
