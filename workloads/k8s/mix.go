package k8s

import (
	"math"
	"sync/atomic"
)

// Rates are the requests per second of each kind (in k8sKinds' order) that
// the profile's cluster makes at its natural pace. The engine sends the
// kinds in these proportions; `--rate` with their sum replays them in real
// time. A list is counted by its pages.
func (o Options) Rates() []float64 {
	sc := o.Scale()
	p := pace{o: o, sc: sc, churn: float64(sc.Pods) / o.podLifetime().Seconds()}
	rates := make([]float64, len(k8sKinds))
	for i, k := range k8sKinds {
		rates[i] = k.rate(p)
	}
	return rates
}

// k8sMix picks the kind of each request with fixed shares, kept exactly,
// not drawn at random: the n-th request takes the kind where n times the
// golden ratio falls among the cumulative shares, so that every kind's
// count stays within a few requests of its share at any n, and even a
// kind of a few requests a minute is sent at its rate. The modelled
// profile and the replayed mix both pick with it; the senders share it.
type k8sMix struct {
	cum []float64 // cumulative shares, the last one 1
	seq *atomic.Uint64
}

func newK8sMix(rates []float64) k8sMix {
	var sum float64
	for _, r := range rates {
		sum += r
	}
	m := k8sMix{cum: make([]float64, len(rates)), seq: new(atomic.Uint64)}
	var acc float64
	for i, r := range rates {
		acc += r / sum
		m.cum[i] = acc
	}
	m.cum[len(m.cum)-1] = 1
	return m
}

// goldenFrac is the golden ratio's fractional part, (sqrt 5 - 1) / 2.
var goldenFrac = (math.Sqrt(5) - 1) / 2

func (m k8sMix) pick() int {
	u := math.Mod(float64(m.seq.Add(1))*goldenFrac, 1)
	for i, c := range m.cum {
		if u < c {
			return i
		}
	}
	return len(m.cum) - 1
}
