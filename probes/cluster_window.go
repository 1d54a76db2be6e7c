package probes

import (
	"context"
	"net/http"
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// windowNote is the caveat on quantiles read from etcd's histograms.
const windowNote = "quantiles come from the differences of etcd's histogram buckets, which double " +
	"(fsync and commit from 1 ms, peer RTT from 0.1 ms), interpolated inside the bucket: only the bounds " +
	"are certain; etcd records a peer RTT every 30 s, so a shorter window may have none"

// WatchMetrics scrapes every URL, waits window, and scrapes again. A page
// that cannot be read before is an error (no metrics there); one that
// cannot be read after is reported on that member (it went away). hc
// carries the TLS settings of https metrics URLs; nil is a plain client.
func WatchMetrics(ctx context.Context, hc *http.Client, urls []string, window time.Duration) (*result.MetricsWindow, error) {
	if hc == nil {
		hc = &http.Client{}
	}
	before := make([]Metrics, len(urls))
	for i, u := range urls {
		m, err := Scrape(ctx, hc, u)
		if err != nil {
			return nil, err
		}
		before[i] = m
	}
	start := time.Now()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(window):
	}
	w := &result.MetricsWindow{Note: windowNote}
	for i, u := range urls {
		after, err := Scrape(ctx, hc, u)
		mm := result.MemberMetrics{MetricsURL: u, ID: before[i].Label(metricServerID, "server_id"), PeerRTT: []result.PeerWindow{}}
		if err != nil {
			mm.Error = err.Error()
		} else {
			fill(&mm, before[i], after)
		}
		w.Members = append(w.Members, mm)
	}
	w.WindowS = time.Since(start).Seconds()
	return w, nil
}

// fill computes the window from two scrapes of one member.
func fill(mm *result.MemberMetrics, before, after Metrics) {
	delta := func(name string) float64 {
		a, _ := after.Value(name)
		b, _ := before.Value(name)
		return max(0, a-b)
	}
	gauge := func(name string) float64 { v, _ := after.Value(name); return v }
	mm.IsLeader, mm.HasLeader = gauge(metricIsLeader) == 1, gauge(metricHasLeader) == 1
	mm.WALFsync = windowOf(after, before, metricWALFsync)
	mm.BackendCommit = windowOf(after, before, metricBackendCommit)
	mm.LeaderChanges = delta(metricLeaderChanges)
	mm.SlowApplies = delta(metricSlowApply)
	mm.ProposalsFailed = delta(metricProposalFailed)
	mm.ProposalsPending = gauge(metricProposalPend)
	mm.CommittedMinusApplied = gauge(metricCommitted) - gauge(metricApplied)
	ha, hb := after.Histograms(metricPeerRTT, "To"), before.Histograms(metricPeerRTT, "To")
	for _, to := range sortedKeys(ha) {
		pw := result.PeerWindow{To: to, WindowHistogram: histWindow(ha[to].Sub(hb[to]))}
		if pw.P99 != nil {
			mm.PeerRTTP99Ms = max(mm.PeerRTTP99Ms, pw.P99.Ms)
		}
		mm.PeerRTT = append(mm.PeerRTT, pw)
	}
}

func windowOf(after, before Metrics, name string) result.WindowHistogram {
	a, _ := after.Histogram(name)
	b, _ := before.Histogram(name)
	return histWindow(a.Sub(b))
}

func histWindow(h Histogram) result.WindowHistogram {
	w := result.WindowHistogram{Observations: h.Count, MeanMs: h.MeanMs()}
	if q, ok := h.Quantile(0.99); ok {
		w.P99 = &q
	}
	return w
}
