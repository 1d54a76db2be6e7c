package capacity

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/internal/namevalue"
	"github.com/etcdtune/etcdtune/result"
)

// The default limits and their reasons. Writes: etcd's hardware guide wants
// the backend commit p99 under 25 ms, and a write is a commit plus a peer
// round trip on hardware that meets it; 100 ms at p99.9 is etcd's own
// "apply request took too long" warning. Reads: a linearizable read waits
// for a round of ReadIndex, not for a disk, so the same 25 ms is lenient.
// Errors: 0.1%, what the production guard treats as trouble in its first
// seconds is far above it, and a healthy etcd fails none.
var (
	writeSLO = result.SLO{P99Ms: 25, P999Ms: 100, ErrorRate: 0.001,
		Source: "default for writes: etcd's 25 ms backend-commit limit at p99 (op-guide/hardware), 100 ms apply warning at p99.9, 0.1% errors"}
	readSLO = result.SLO{P99Ms: 25, P999Ms: 100, ErrorRate: 0.001,
		Source: "default for reads: the write limits (a linearizable read needs a ReadIndex round, not a disk)"}
	// k8sSLO is per operation kind in the Kubernetes search: Kubernetes'
	// API SLO is p99 <= 1 s for a mutating call and a single-object read,
	// and etcd is a part of it; 100 ms leaves the apiserver the rest.
	k8sSLO = result.SLO{P99Ms: 100, P999Ms: 500, ErrorRate: 0.001,
		Source: "default for bench k8s: 100 ms p99 per operation kind, a tenth of Kubernetes' 1 s API call SLO (sig-scalability slos.md), 500 ms p99.9, 0.1% errors"}
)

// DefaultSLO is the SLO of a workload kind when --slo names no limit.
func DefaultSLO(kind string) result.SLO {
	switch kind {
	case "range":
		return readSLO
	case "k8s":
		return k8sSLO
	}
	return writeSLO
}

// SLONames are the limits --slo takes.
var SLONames = []string{"p50", "p99", "p999", "errors"}

// ParseSLO reads --slo "p99=25ms,p999=100ms,errors=0.1%" over base: the
// limits it names replace base's, the others stay. An empty s is base.
func ParseSLO(s string, base result.SLO) (result.SLO, error) {
	items := namevalue.Split(s)
	if len(items) == 0 {
		return base, nil
	}
	slo := base
	slo.Source = "--slo " + s + "; the rest: " + base.Source
	for _, it := range items {
		if !it.HasValue {
			return result.SLO{}, fault.Inputf("--slo %q: want name=value, e.g. p99=25ms", it.Text)
		}
		v := strings.TrimSpace(it.Value)
		switch it.Name {
		case "p50", "p99", "p999", "p99.9":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return result.SLO{}, fault.Inputf("--slo %s=%s: give a positive duration, e.g. %s=25ms", it.Name, v, it.Name)
			}
			ms := float64(d) / float64(time.Millisecond)
			switch it.Name {
			case "p50":
				slo.P50Ms = ms
			case "p99":
				slo.P99Ms = ms
			default:
				slo.P999Ms = ms
			}
		case "errors":
			pct, ok := strings.CutSuffix(v, "%")
			f, err := strconv.ParseFloat(pct, 64)
			if !ok || err != nil || f < 0 || f >= 100 || math.IsNaN(f) {
				return result.SLO{}, fault.Inputf("--slo errors=%s: give a share of failed requests in percent, 0 to under 100, e.g. errors=0.1%%", v)
			}
			slo.ErrorRate = f / 100
		default:
			return result.SLO{}, fault.Inputf("--slo: unknown limit %q; use %s", it.Name, strings.Join(SLONames, ", "))
		}
	}
	return slo, nil
}

// Limit is one latency limit of an SLO: its name as --slo takes it, its
// name as people read it, and the limit in ms.
type Limit struct {
	Flag, Name string
	Ms         float64
}

// Limits are the SLO's latency limits that are set, fastest quantile first.
func Limits(s result.SLO) []Limit {
	var out []Limit
	for _, l := range []Limit{{"p50", "p50", s.P50Ms}, {"p99", "p99", s.P99Ms}, {"p999", "p99.9", s.P999Ms}} {
		if l.Ms > 0 {
			out = append(out, l)
		}
	}
	return out
}

// Describe is the SLO in the form --slo takes.
func Describe(s result.SLO) string {
	var parts []string
	for _, l := range Limits(s) {
		parts = append(parts, fmt.Sprintf("%s=%gms", l.Flag, l.Ms))
	}
	return strings.Join(append(parts, fmt.Sprintf("errors=%g%%", s.ErrorRate*100)), ",")
}
