package probes

import "golang.org/x/time/rate"

// newPacer paces a probe's own requests at perSecond, one at a time (the
// backup probe's light load, the keyspace scan's pages): a burst of one,
// so a slow request delays the next rather than letting them pile up on a
// member that is busy.
func newPacer(perSecond float64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSecond), 1)
}
