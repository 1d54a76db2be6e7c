package probes

import (
	"context"
	"strings"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/result"
)

// lightLoad sends serializable reads and puts of one key, alternating, at
// a fixed rate, one at a time: light enough not to disturb the member, so
// that what changes during the snapshot is the snapshot's doing.
type lightLoad struct {
	mu     sync.Mutex
	phases [2]*loadPhase
	phase  int
	cancel context.CancelFunc
	done   chan struct{}
}

type loadPhase struct {
	read, put, all *hdr.Histogram
	ops, errors    int64
}

func newLoadPhase() *loadPhase {
	return &loadPhase{read: result.NewHistogram(), put: result.NewHistogram(), all: result.NewHistogram()}
}

func startLoad(ctx context.Context, cli *clientv3.Client, key string, cfg BackupOptions) *lightLoad {
	ctx, cancel := context.WithCancel(ctx)
	l := &lightLoad{phases: [2]*loadPhase{newLoadPhase(), newLoadPhase()}, cancel: cancel, done: make(chan struct{})}
	value := strings.Repeat("x", 256)
	go func() {
		defer close(l.done)
		// The pacer lets no sends pile up while a request is slow: the
		// load stays light on a member that is busy streaming.
		pacer := newPacer(float64(cfg.Rate))
		for i := 0; ; i++ {
			if pacer.Wait(ctx) != nil {
				return
			}
			isPut := i%2 == 1
			cctx, ccancel := withTimeout(ctx, cfg.RequestTimeout)
			start := time.Now()
			var err error
			if isPut {
				_, err = cli.Put(cctx, key, value)
			} else {
				_, err = cli.Get(cctx, key, clientv3.WithSerializable())
			}
			took := time.Since(start)
			ccancel()
			if ctx.Err() == nil {
				l.record(isPut, took, err)
			}
		}
	}()
	return l
}

func (l *lightLoad) record(isPut bool, took time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.phases[l.phase]
	p.ops++
	if err != nil {
		p.errors++
		return
	}
	if isPut {
		recordMicros(p.put, took)
	} else {
		recordMicros(p.read, took)
	}
	recordMicros(p.all, took)
}

// nextPhase starts recording into the "during" phase.
func (l *lightLoad) nextPhase() {
	l.mu.Lock()
	l.phase = 1
	l.mu.Unlock()
}

// stop ends the load and returns the two phases.
func (l *lightLoad) stop() (before, during result.LoadSample) {
	l.cancel()
	<-l.done
	return l.phases[0].sample(), l.phases[1].sample()
}

func (p *loadPhase) sample() result.LoadSample {
	return result.LoadSample{Ops: p.ops, Errors: p.errors, Read: latencyOf(p.read), Put: latencyOf(p.put), P99Ms: latencyOf(p.all).P99}
}
