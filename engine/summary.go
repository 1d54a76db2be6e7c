package engine

import (
	"maps"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/etcdtune/etcdtune/result"
)

// Totals is what a recorder holds at the end of a run, merged over shards.
type Totals struct {
	Kinds        []KindTotals
	Latency      *hdr.Histogram // all kinds
	Service      *hdr.Histogram // all kinds; nil in closed loop
	Ops          int64
	Errors       int64
	ErrorKinds   map[string]int64
	WarmupOps    int64
	WarmupErrors int64
	Clamped      int64 // latencies over 60 s, recorded as 60 s
}

// KindTotals is the share of one operation kind.
type KindTotals struct {
	Name    string
	Latency *hdr.Histogram
	Service *hdr.Histogram
	Ops     int64
	Errors  int64
}

// Totals merges the shards. Call it once the workers have stopped.
func (r *Recorder) Totals() Totals {
	t := Totals{Latency: result.NewHistogram(), ErrorKinds: map[string]int64{}}
	if r.open {
		t.Service = result.NewHistogram()
	}
	for k, name := range r.kinds {
		kt := KindTotals{Name: name, Latency: result.NewHistogram()}
		if r.open {
			kt.Service = result.NewHistogram()
		}
		for i := range r.shards {
			kr := &r.shards[i].kinds[k]
			kt.Latency.Merge(kr.latency)
			if r.open {
				kt.Service.Merge(kr.service)
			}
			kt.Ops += kr.ops
			kt.Errors += kr.errs
		}
		t.Latency.Merge(kt.Latency)
		if r.open {
			t.Service.Merge(kt.Service)
		}
		t.Ops += kt.Ops
		t.Errors += kt.Errors
		t.Kinds = append(t.Kinds, kt)
	}
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		for kind, n := range s.errKinds {
			t.ErrorKinds[kind] += n
		}
		t.WarmupOps += s.warmOps
		t.WarmupErrors += s.warmErrs
		t.Clamped += s.clamped
		s.mu.Unlock()
	}
	return t
}

// cloneCounts copies a count map, so a result never shares one with a recorder.
func cloneCounts(m map[string]int64) map[string]int64 {
	if len(m) == 0 {
		return map[string]int64{}
	}
	return maps.Clone(m)
}
