package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/result"
)

// Config is how the engine drives a workload.
type Config struct {
	Clients        int           // closed loop: concurrent workers
	Rate           float64       // > 0: open loop at this many requests per second in total
	MaxInflight    int           // open loop: most requests outstanding at once
	Duration       time.Duration // measured window; or
	Total          int64         // measured requests
	Warmup         time.Duration // sent before the measured window, kept out of the figures
	RequestTimeout time.Duration // per request; 0 means none
	// OnSecond, if set, is called after each second of the measured window
	// with the time since the run began (warm-up included) and the second's
	// figures; it runs on the engine's clock goroutine and must be quick.
	OnSecond func(elapsed time.Duration, p result.SeriesPoint)
	// Guard, if set, is called after each second of the measured window
	// (after OnSecond, on the clock goroutine, so it must be quick); a
	// non-empty answer stops the load at once and ends the run "aborted"
	// with that reason.
	Guard func(p result.SeriesPoint) (abortReason string)
}

// Validate says what is wrong with the config, naming the flag.
func (c Config) Validate() error {
	switch {
	case c.Rate < 0:
		return fmt.Errorf("--rate must not be negative, got %v", c.Rate)
	case c.Rate == 0 && c.Clients < 1:
		return fmt.Errorf("--clients must be at least 1, got %d", c.Clients)
	case c.Rate > 0 && c.MaxInflight < 1:
		return fmt.Errorf("--max-inflight must be at least 1, got %d", c.MaxInflight)
	case c.Duration < 0:
		return fmt.Errorf("--duration must not be negative, got %v", c.Duration)
	case c.Total < 0:
		return fmt.Errorf("--total must not be negative, got %d", c.Total)
	case c.Duration > 0 && c.Total > 0:
		return errors.New("give --duration or --total, not both")
	case c.Duration == 0 && c.Total == 0:
		return errors.New("give --duration or --total")
	case c.Warmup < 0:
		return fmt.Errorf("--warmup must not be negative, got %v", c.Warmup)
	case c.RequestTimeout < 0:
		return fmt.Errorf("--command-timeout must not be negative, got %v", c.RequestTimeout)
	}
	return nil
}

// Run drives workload wl over clients (one gRPC connection each; workers
// take them round-robin) until the duration or the total is reached or ctx
// is cancelled. Cancellation ends the load, not the requests in flight: they
// finish (within the request timeout) and are counted, and the result says
// end_reason "interrupted". Run does not check or clean the prefix; see
// Session for that.
func Run(ctx context.Context, cfg Config, wl Workload, clients []*clientv3.Client) (*result.Workload, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(clients) == 0 {
		return nil, errors.New("no client connections")
	}
	e := &engine{cfg: cfg, wl: wl, clients: clients, rec: NewRecorder(wl.Kinds(), cfg.Rate > 0)}
	res := e.run(ctx)
	if f, ok := wl.(Finisher); ok {
		if err := f.Finish(context.WithoutCancel(ctx), res); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v", wl.Name(), err))
		}
	}
	return res, nil
}

// engine is one run of a workload.
type engine struct {
	cfg      Config
	wl       Workload
	clients  []*clientv3.Client
	rec      *Recorder
	start    time.Time
	stopped  atomic.Bool // set when the load must end
	open     result.OpenLoopStats
	watchdog *watchdog
	abort    context.CancelFunc     // ends the load, as Ctrl-C would
	aborted  atomic.Pointer[string] // why the guard stopped the load
}

// abortWith stops the load for reason; the first reason is kept.
func (e *engine) abortWith(reason string) {
	if e.aborted.CompareAndSwap(nil, &reason) {
		e.abort()
	}
}

func (e *engine) run(ctx context.Context) *result.Workload {
	// The guard stops the load through this context, so both loops end as
	// on Ctrl-C (requests in flight finish and are counted).
	ctx, e.abort = context.WithCancel(ctx)
	defer e.abort()
	startedAt := time.Now()
	e.start = startedAt
	cpu0 := CPUTime()
	e.watchdog = startWatchdog(e.cfg.RequestTimeout, e.since)
	defer e.watchdog.stop()
	clock := e.startClock()
	var interrupted bool
	if e.cfg.Rate > 0 {
		interrupted = e.runOpen(ctx)
	} else {
		interrupted = e.runClosed(ctx)
	}
	window := e.windowEnd()
	clock.stop(e)
	cpu := CPUTime() - cpu0
	res := e.result(startedAt, window, cpu, interrupted)
	if reason := e.aborted.Load(); reason != nil {
		res.EndReason, res.AbortReason = result.EndAborted, *reason
		res.Warnings = append(res.Warnings, "stopped by the guard: "+*reason)
	}
	return res
}

// windowEnd is the length of the measured window: the duration asked for,
// or, for a total or an interrupted run, up to the last completion.
func (e *engine) windowEnd() time.Duration {
	last := e.watchdog.lastDone()
	if e.cfg.Duration > 0 && last > e.cfg.Warmup+e.cfg.Duration {
		return e.cfg.Duration
	}
	if w := last - e.cfg.Warmup; w > 0 {
		return w
	}
	return 0
}

// since is the offset from the start of the run, on the monotonic clock.
func (e *engine) since() time.Duration { return time.Since(e.start) }

// send sends one request of sender s from a worker's slot, meant to go out
// at offset intended and going out at offset sent, and returns its kind,
// its completion offset and its error.
func (e *engine) send(s Sender, slot *requestSlot, intended, sent time.Duration) (int, time.Duration, error) {
	ctx := slot.begin(sent)
	kind, err := s.Send(ctx, e.start.Add(intended))
	done := e.since()
	if slot.end(done) && err != nil {
		err = errRequestTimeout
	}
	return kind, done, err
}

// runClosed runs Clients workers, each sending its next request when the
// last returns. It reports whether ctx ended the run.
func (e *engine) runClosed(ctx context.Context) bool {
	var budget atomic.Int64
	budget.Store(e.cfg.Total)
	var wg sync.WaitGroup
	for id := 0; id < e.cfg.Clients; id++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.closedWorker(id, &budget)
		}()
	}
	return e.waitEnd(ctx, &wg)
}

func (e *engine) closedWorker(id int, budget *atomic.Int64) {
	s := e.wl.NewSender(id, e.clients[id%len(e.clients)])
	slot := e.watchdog.slot()
	for !e.stopped.Load() {
		t0 := e.since()
		warm := t0 < e.cfg.Warmup
		if !warm && e.cfg.Total > 0 && budget.Add(-1) < 0 {
			return
		}
		kind, t1, err := e.send(s, slot, t0, t0)
		if errors.Is(err, ErrLoadDone) {
			e.stopped.Store(true) // the other workers end after their request
			return
		}
		if warm {
			e.rec.RecordWarmup(id, err)
			continue
		}
		e.rec.Record(id, kind, t1-t0, t1-t0, err)
	}
}

// waitEnd waits for the workers; it stops them when the duration is over or
// ctx is cancelled, and reports whether ctx did it.
func (e *engine) waitEnd(ctx context.Context, wg *sync.WaitGroup) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var deadline <-chan time.Time
	if e.cfg.Duration > 0 {
		t := time.NewTimer(e.cfg.Warmup + e.cfg.Duration - e.since())
		defer t.Stop()
		deadline = t.C
	}
	interrupted := false
	select {
	case <-done:
		return false
	case <-deadline:
	case <-ctx.Done():
		interrupted = true
	}
	e.stopped.Store(true)
	<-done
	return interrupted
}

func StoreMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// CPUTime is the CPU time this process has used, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// MaxRSS is the peak resident set of this process, in bytes.
func MaxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Maxrss * 1024 // Linux reports kilobytes
}
