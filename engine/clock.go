package engine

import "time"

// clock closes a second of the series every second of the measured window,
// counted from the end of the warm-up.
type clock struct {
	quit  chan struct{}
	done  chan struct{}
	ticks int
}

func (e *engine) startClock() *clock {
	c := &clock{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		t := time.NewTimer(e.cfg.Warmup + time.Second - e.since())
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-t.C:
			case <-c.quit:
				return
			}
			e.rec.Tick(n)
			c.ticks = n
			if e.cfg.OnSecond != nil {
				s := e.rec.Series()
				e.cfg.OnSecond(e.since(), s[len(s)-1])
			}
			if e.cfg.Guard != nil {
				s := e.rec.Series()
				if reason := e.cfg.Guard(s[len(s)-1]); reason != "" {
					e.abortWith(reason)
				}
			}
			// Each boundary is computed from the start, so ticks do not drift.
			t.Reset(e.cfg.Warmup + time.Duration(n+1)*time.Second - e.since())
		}
	}()
	return c
}

// stop ends the clock and closes the last, partial second, if anything
// completed in it: the rest of a window that is not a whole number of
// seconds, or the requests in flight when the window closed.
func (c *clock) stop(e *engine) {
	close(c.quit)
	<-c.done
	if e.rec.pending() {
		e.rec.Tick(c.ticks + 1)
	}
}
