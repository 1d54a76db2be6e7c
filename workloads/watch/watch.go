package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/workloads"
)

// Watch scopes: what each watcher watches.
const (
	ScopeKeys   = "key"    // --keys consecutive keys (1: one key)
	ScopePrefix = "prefix" // every key of the run's shape under the prefix
)

// maxWatchKeySpace bounds the key space of a watch run: integrity counts
// keep one counter per key.
const maxWatchKeySpace = 1 << 22

// defaultSlowDelay is how long a slow watcher waits before each read.
const defaultSlowDelay = 50 * time.Millisecond

// Options configure the watch workload. The engine's load is the
// driver's puts; the watchers are the workload's own.
type Options struct {
	Keys     engine.KeySpec
	ValSize  int
	Watchers int    // watchers that read as fast as they can
	Streams  int    // gRPC watch streams they share, spread over the connections
	Scope    string // WatchScopeKeys or WatchScopePrefix
	KeysPer  uint64 // keys per watcher with WatchScopeKeys
	// History > 0 starts every watcher that many revisions before the
	// current one, so it replays them before the live events; FromRev > 0
	// names the start revision instead. Checked against the cluster.
	History   int64
	FromRev   int64
	Slow      int           // watchers that read slowly, each on a stream of its own
	SlowDelay time.Duration // how long a slow watcher waits before each read
}

// Workload measures watch delivery: a driver puts values stamped with their
// intended send time, and every watcher times each event it receives from
// that stamp. It also checks that every watcher receives each event of its
// keys exactly once and in revision order.
type Workload struct {
	opts Options
	put  *workloads.Put
	set  *watchSet // the watchers of the current run, from Prepare to Finish
}

// New validates the options and returns the workload.
func New(o Options) (*Workload, error) {
	if o.SlowDelay == 0 {
		o.SlowDelay = defaultSlowDelay
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	p, err := workloads.NewPut(workloads.PutOptions{Keys: o.Keys, ValSize: o.ValSize})
	if err != nil {
		return nil, err
	}
	return &Workload{opts: o, put: p}, nil
}

func (o Options) validate() error {
	if err := o.Keys.Validate(); err != nil {
		return err
	}
	switch {
	case o.Watchers < 1:
		return fmt.Errorf("--watchers must be at least 1, got %d", o.Watchers)
	case o.Streams < 1:
		return fmt.Errorf("--streams must be at least 1, got %d", o.Streams)
	case o.Streams > o.Watchers:
		return fmt.Errorf("--streams %d is more than --watchers %d: every stream carries at least one watcher", o.Streams, o.Watchers)
	case o.Scope != ScopeKeys && o.Scope != ScopePrefix:
		return fmt.Errorf("unknown --scope %q: use key or prefix", o.Scope)
	case o.Scope == ScopeKeys && (o.KeysPer < 1 || o.KeysPer > o.Keys.Space):
		return fmt.Errorf("--keys must be between 1 and --key-space %d, got %d", o.Keys.Space, o.KeysPer)
	case o.Keys.Space > maxWatchKeySpace:
		return fmt.Errorf("--key-space %d is over %d, the most a watch run counts events for", o.Keys.Space, maxWatchKeySpace)
	case o.ValSize < stampLen:
		return fmt.Errorf("--val-size must be at least %d for watch: each value carries its send time, got %d", stampLen, o.ValSize)
	case o.History < 0:
		return fmt.Errorf("--history must not be negative, got %d", o.History)
	case o.FromRev < 0:
		return fmt.Errorf("--from-rev must not be negative, got %d", o.FromRev)
	case o.History > 0 && o.FromRev > 0:
		return errors.New("give --history or --from-rev, not both")
	case o.Slow < 0:
		return fmt.Errorf("--slow-watchers must not be negative, got %d", o.Slow)
	case o.SlowDelay < 0:
		return fmt.Errorf("--slow-delay must not be negative, got %v", o.SlowDelay)
	}
	return nil
}

// Name implements Workload.
func (w *Workload) Name() string { return "watch" }

// Kinds implements Workload: the driver's puts.
func (w *Workload) Kinds() []string { return []string{"put"} }

// Keys implements Workload.
func (w *Workload) Keys() engine.KeySpec { return w.opts.Keys }

// Params implements Workload.
func (w *Workload) Params() map[string]any {
	m := w.opts.Keys.Params()
	m["val_size"] = w.opts.ValSize
	m["watchers"] = w.opts.Watchers
	m["streams"] = w.opts.Streams
	m["scope"] = w.opts.Scope
	if w.opts.Scope == ScopeKeys {
		m["keys"] = w.opts.KeysPer
	}
	m["history"] = w.opts.History
	m["from_rev"] = w.opts.FromRev
	m["slow_watchers"] = w.opts.Slow
	if w.opts.Slow > 0 {
		m["slow_delay"] = w.opts.SlowDelay.String()
	}
	return m
}

// Prepare implements Workload: it finds where the watchers start, counts
// the history they must replay, opens them and waits until every one is
// created and has caught up, so that the load measures live delivery.
func (w *Workload) Prepare(ctx context.Context, clients []*clientv3.Client) error {
	restoreGC := collectForWatch()
	set, err := openWatchSet(ctx, w.opts, clients)
	if err != nil {
		restoreGC()
		return err
	}
	set.restoreGC = restoreGC
	w.set = set
	return nil
}

// watchGCPercent is the garbage collector's target while watchers run,
// unless GOGC is set. etcdtune collects less often by default (400: the
// put path's per-request garbage costs CPU), but the watchers' garbage is
// gRPC's per-message objects, little per event, while their live heap
// (watchers, streams, gRPC's buffers in flight) is tens of MB and moves
// with etcd's batches: at 400 the peak RSS was five times it, most of it
// garbage, and grew with the length of the run. Measured at 10,000
// watchers, 3M against 30M events: peak RSS 62/94 MB at 400 (before
// Response.Events stopped allocating), 62/69 MB at 100, 54/54 MB at 50,
// each for about 1.1-1.8 µs of CPU per event.
const watchGCPercent = 50

// collectForWatch sets the watch run's GC target and returns what puts the
// previous one back.
func collectForWatch() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	before := debug.SetGCPercent(watchGCPercent)
	return func() { debug.SetGCPercent(before) }
}

// NewSender implements Workload: a put sender that stamps each value with
// its intended send time.
func (w *Workload) NewSender(id int, c *clientv3.Client) engine.Sender {
	ps := w.put.NewPutSender(id, c)
	return &stampSender{PutSender: ps, value: ps.OwnValue()}
}

// stampSender is a put sender whose value starts with the request's intended
// send time, so that a watcher can time the event from it.
type stampSender struct {
	*workloads.PutSender
	value []byte // this worker's own copy: the stamp differs per request
}

func (s *stampSender) Send(ctx context.Context, intended time.Time) (int, error) {
	putStamp(s.value, intended)
	return s.PutSender.Send(ctx, intended)
}
