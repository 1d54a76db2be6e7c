package k8s

import "math/rand/v2"

// Rates are the requests per second of each kind (in k8sKinds' order) that
// the profile's cluster makes at its natural pace. The engine sends the
// kinds in these proportions; `--rate` with their sum replays them in real
// time. A list is counted by its pages.
func (o Options) Rates() []float64 {
	sc := o.Scale()
	p := pace{o: o, sc: sc, churn: float64(sc.Pods) / podLifetimeS}
	rates := make([]float64, len(k8sKinds))
	for i, k := range k8sKinds {
		rates[i] = k.rate(p)
	}
	return rates
}

// k8sMix picks the next kind with the profile's proportions.
type k8sMix struct {
	cum []float64 // cumulative shares, the last one 1
}

func newK8sMix(rates []float64) k8sMix {
	var sum float64
	for _, r := range rates {
		sum += r
	}
	m := k8sMix{cum: make([]float64, len(rates))}
	var acc float64
	for i, r := range rates {
		acc += r / sum
		m.cum[i] = acc
	}
	m.cum[len(m.cum)-1] = 1
	return m
}

func (m k8sMix) pick(rng *rand.Rand) int {
	u := rng.Float64()
	for i, c := range m.cum {
		if u < c {
			return i
		}
	}
	return len(m.cum) - 1
}
