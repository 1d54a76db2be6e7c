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
	d := &dispatcher{e: e, ctx: ctx, work: make(chan time.Duration), wait: time.NewTimer(time.Hour)}
	defer d.wait.Stop()
	if e.cfg.Duration > 0 {
		t := time.NewTimer(e.cfg.Warmup + e.cfg.Duration)
		defer t.Stop()
		d.end = t.C
	}
	e.open.MaxInflight = e.cfg.MaxInflight
	measured, interrupted := d.run(pacer)
	close(d.work)
	d.wg.Wait()
	e.open.PeakInflight = d.workers
	e.closeSchedule(pacer, measured, interrupted)
	return interrupted
}

// dispatcher is the open loop's sending side: it waits for each send's
// intended time and hands the send to a worker.
type dispatcher struct {
	e       *engine
	ctx     context.Context
	work    chan time.Duration // intended send times, to the workers
	wg      sync.WaitGroup
	workers int
	end     <-chan time.Time // the end of the window (nil for --total)
	wait    *time.Timer      // reused for every wait, no timer per send
}

// dispatchStop is why a dispatch step stopped the loop, if it did.
type dispatchStop int

const (
	goOn dispatchStop = iota
	windowEnded
	interruptedByCtx
)

// run dispatches until the window or the total is done, or ctx ends; it
// returns the sends in the measured window and whether ctx ended the run.
func (d *dispatcher) run(pacer ConstantPacer) (measured int64, interrupted bool) {
	cfg := d.e.cfg
	for i := uint64(0); ; i++ {
		intended := pacer.Intended(i)
		if cfg.Duration > 0 && intended >= cfg.Warmup+cfg.Duration {
			return measured, false
		}
		inWindow := intended >= cfg.Warmup
		if inWindow && cfg.Total > 0 && measured >= cfg.Total {
			return measured, false
		}
		if stop := d.waitFor(intended); stop != goOn {
			return measured, stop == interruptedByCtx
		}
		if stop := d.hand(intended); stop != goOn {
			return measured, stop == interruptedByCtx
		}
		d.e.noteSend(intended, inWindow)
		if inWindow {
			measured++
		}
		if d.ctx.Err() != nil {
			return measured, true
		}
	}
}

// waitFor sleeps until the send's intended time, unless the window or ctx
// ends first.
func (d *dispatcher) waitFor(intended time.Duration) dispatchStop {
	wait := intended - d.e.since()
	if wait <= 0 {
		return goOn
	}
	d.wait.Reset(wait)
	select {
	case <-d.wait.C:
		return goOn
	case <-d.end:
		return windowEnded
	case <-d.ctx.Done():
		return interruptedByCtx
	}
}

// hand gives the send to an idle worker, or to a new one while fewer than
// MaxInflight run; at the bound it waits for a worker (counted as a hit).
func (d *dispatcher) hand(intended time.Duration) dispatchStop {
	select {
	case d.work <- intended:
		return goOn
	default:
	}
	if d.workers < d.e.cfg.MaxInflight {
		d.startWorker()
		d.work <- intended
		return goOn
	}
	d.e.open.InflightLimitHits++
	select {
	case d.work <- intended:
		return goOn
	case <-d.end:
		return windowEnded
	case <-d.ctx.Done():
		return interruptedByCtx
	}
}

func (d *dispatcher) startWorker() {
	id := d.workers
	d.workers++
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.e.openWorker(id, d.work)
	}()
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
