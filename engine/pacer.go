package engine

import (
	"math"
	"time"
)

// ConstantPacer schedules sends at a fixed rate. It is a pure function of
// the send number, so the schedule does not drift whatever the server or the
// machine does: a send that is late is late against a fixed clock, and that
// lateness is part of its measured latency.
type ConstantPacer struct {
	// Rate is the number of sends per second, greater than zero.
	Rate float64
}

// Intended returns the offset from the start of the schedule at which send
// number i (counted from zero) is due.
//
//	1000/s, send 0    => 0
//	1000/s, send 1    => 1ms
//	1000/s, send 1500 => 1.5s
func (p ConstantPacer) Intended(i uint64) time.Duration {
	return time.Duration(float64(i) * float64(time.Second) / p.Rate)
}

// Due returns how many sends are due once elapsed has passed, that is the
// number of sends whose intended offset is at most elapsed.
//
//	1000/s, elapsed 0     => 1 (send 0 is due at once)
//	1000/s, elapsed 999µs => 1
//	1000/s, elapsed 1ms   => 2
func (p ConstantPacer) Due(elapsed time.Duration) uint64 {
	if elapsed < 0 {
		return 0
	}
	n := math.Floor(elapsed.Seconds()*p.Rate) + 1
	// Floating point may put an exact boundary one short or one over; the
	// schedule is defined by Intended, so settle the edge with it.
	due := uint64(n)
	for due > 0 && p.Intended(due-1) > elapsed {
		due--
	}
	for p.Intended(due) <= elapsed {
		due++
	}
	return due
}

// Wait returns how long to wait, once elapsed has passed and sent sends have
// gone out, until the next send is due; zero when it is due already.
//
//	1 send/s, 0 sent, 1s elapsed => 0 (send 0 is overdue)
//	1 send/s, 1 sent, 0 elapsed  => 1s
//	1 send/s, 2 sent, 1.5s       => 500ms
func (p ConstantPacer) Wait(elapsed time.Duration, sent uint64) time.Duration {
	if d := p.Intended(sent) - elapsed; d > 0 {
		return d
	}
	return 0
}
