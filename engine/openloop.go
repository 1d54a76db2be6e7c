package engine

import (
	"context"
	"sync"
	"time"
)

// lateSend is how far behind its intended time a send must go out to count
// as late: past timer and scheduler jitter, into real lag.
const lateSend = time.Millisecond

// runOpen sends on the pacer's schedule. Requests are handed to idle workers
// over an unbuffered channel; when none is idle a new worker starts, up to
// MaxInflight. At the bound the dispatcher waits (counted), and the sends
// behind it go out late but keep their intended times, so their latency
// still counts from when they should have been sent. It reports whether ctx
// ended the run.
func (e *engine) runOpen(ctx context.Context) bool {
	pacer := ConstantPacer{Rate: e.cfg.Rate}
	work := make(chan time.Duration)
	var wg sync.WaitGroup
	startWorker := func(id int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.openWorker(id, work)
		}()
	}

	var end <-chan time.Time
	if e.cfg.Duration > 0 {
		t := time.NewTimer(e.cfg.Warmup + e.cfg.Duration)
		defer t.Stop()
		end = t.C
	}
	wait := time.NewTimer(time.Hour)
	defer wait.Stop()

	st := &e.open
	st.MaxInflight = e.cfg.MaxInflight
	workers := 0
	interrupted := false
	var measured int64
dispatch:
	for i := uint64(0); ; i++ {
		intended := pacer.Intended(i)
		if e.cfg.Duration > 0 && intended >= e.cfg.Warmup+e.cfg.Duration {
			break
		}
		inWindow := intended >= e.cfg.Warmup
		if inWindow && e.cfg.Total > 0 && measured >= e.cfg.Total {
			break
		}
		if d := intended - e.since(); d > 0 {
			wait.Reset(d)
			select {
			case <-wait.C:
			case <-end:
				break dispatch
			case <-ctx.Done():
				interrupted = true
				break dispatch
			}
		}
		select {
		case work <- intended:
		default:
			if workers < e.cfg.MaxInflight {
				startWorker(workers)
				workers++
				work <- intended
				break
			}
			st.InflightLimitHits++
			select {
			case work <- intended:
			case <-end:
				break dispatch
			case <-ctx.Done():
				interrupted = true
				break dispatch
			}
		}
		e.noteSend(intended, inWindow)
		if inWindow {
			measured++
		}
		if ctx.Err() != nil {
			interrupted = true
			break
		}
	}
	close(work)
	wg.Wait()
	st.PeakInflight = workers
	e.closeSchedule(pacer, measured, interrupted)
	return interrupted
}

// noteSend keeps the lag statistics of a send that just went out.
func (e *engine) noteSend(intended time.Duration, inWindow bool) {
	if !inWindow {
		return
	}
	lag := e.since() - intended
	if lag > lateSend {
		e.open.LateSends++
	}
	if ms := float64(lag) / float64(time.Millisecond); ms > e.open.MaxSendLagMs {
		e.open.MaxSendLagMs = ms
	}
}

// closeSchedule counts what was due in the measured window against what was
// sent, so a shortfall shows.
func (e *engine) closeSchedule(p ConstantPacer, sent int64, interrupted bool) {
	st := &e.open
	st.TargetRate = e.cfg.Rate
	st.Sent = sent
	switch {
	case e.cfg.Total > 0 && !interrupted:
		st.Scheduled = e.cfg.Total
	default:
		// Everything due before the window closed (or the run was stopped).
		stop := e.cfg.Warmup + e.cfg.Duration
		if interrupted || e.cfg.Duration == 0 {
			stop = e.since()
		}
		if stop > e.cfg.Warmup {
			st.Scheduled = int64(p.Due(stop-1) - p.Due(e.cfg.Warmup-1))
		}
	}
	if st.Unsent = st.Scheduled - st.Sent; st.Unsent < 0 {
		st.Unsent = 0
	}
}

func (e *engine) openWorker(id int, work <-chan time.Duration) {
	s := e.wl.NewSender(id, e.clients[id%len(e.clients)])
	slot := e.watchdog.slot()
	for intended := range work {
		t0 := e.since()
		kind, t1, err := e.send(s, slot, intended, t0)
		if intended < e.cfg.Warmup {
			e.rec.RecordWarmup(id, err)
			continue
		}
		e.rec.Record(id, kind, t1-intended, t1-t0, err)
	}
}
