package probes

import (
	"context"
	"slices"
	"time"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// RTTOptions says how to measure round trips.
type RTTOptions struct {
	// Samples is the number of timed requests to each member.
	Samples int
	// RequestTimeout bounds each request.
	RequestTimeout time.Duration
	// MetricsURLs are the members' /metrics pages, one per endpoint in the
	// same order; empty: derived from the endpoints (DefaultMetricsURLs).
	MetricsURLs []string
}

// Validate checks the configuration before any connection is made.
func (c RTTOptions) Validate() error {
	switch {
	case c.Samples < 1:
		return fault.Inputf("--samples must be at least 1, got %d", c.Samples)
	case c.Samples > 1_000_000:
		return fault.Inputf("--samples %d is too many: at most 1000000", c.Samples)
	case c.RequestTimeout < 0:
		return fault.Inputf("request timeout must not be negative, got %v", c.RequestTimeout)
	}
	return nil
}

// rttMethod describes the timed request. Maintenance.Status is answered by
// the member from its own state (raft status, backend size) without a Raft
// round, without reading keys and without any permission, so it measures
// the network and gRPC path and little else; a serializable Range would
// also need read permission on a key and take the store's read lock.
const rttMethod = "Maintenance.Status unary RPC on one kept-open connection per member (no Raft, no key access)"

// peerNote is the caveat on the peer figures.
const peerNote = "peer RTT is etcd's own: a smoothed RTT (moving average, weight 1/8, of a probe every 4 s, starting from 0) " +
	"recorded every 30 s, into buckets that double from 0.1 ms, so each quantile is only known within its bucket " +
	"(bucket_lower_ms..bucket_upper_ms); in the first minutes after a member starts it reads low"

// RTT times Samples round trips to each member of t, one member at a
// time, and reads each member's view of its peers from its /metrics page.
func RTT(ctx context.Context, t *etcdconn.Target, cfg RTTOptions) (*result.RTT, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	urls, err := MetricsURLs(t, cfg.MetricsURLs)
	if err != nil {
		return nil, err
	}
	res := &result.RTT{Method: rttMethod, PeerNote: peerNote, Peers: []result.PeerRTT{}}
	for _, ep := range t.Endpoints() {
		m, err := memberRTT(ctx, t, ep, cfg)
		if err != nil {
			return nil, err
		}
		res.Members = append(res.Members, m)
	}
	hc := t.HTTPClient()
	for _, u := range urls {
		m, err := Scrape(ctx, hc, u)
		if err != nil {
			return nil, err
		}
		res.Peers = append(res.Peers, peerRTTs(m, u)...)
	}
	for _, p := range res.Peers {
		res.PeerP99Ms = max(res.PeerP99Ms, p.P99.Ms)
	}
	return res, nil
}

// peerRTTs reads one member's peer round trips.
func peerRTTs(m Metrics, url string) []result.PeerRTT {
	from := m.Label(metricServerID, "server_id")
	hs := m.Histograms(metricPeerRTT, "To")
	var out []result.PeerRTT
	for _, to := range sortedKeys(hs) {
		h := hs[to]
		p := result.PeerRTT{From: from, MetricsURL: url, To: to, Observations: h.Count, MeanMs: h.MeanMs()}
		p.P99, _ = h.Quantile(0.99)
		out = append(out, p)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// MetricsURLs returns the metrics page of each endpoint of t: given (one
// per endpoint), the embedded etcd's own, or the client URL + /metrics.
func MetricsURLs(t *etcdconn.Target, given []string) ([]string, error) {
	eps := t.Endpoints()
	if len(given) > 0 {
		if len(given) != len(eps) {
			return nil, fault.Inputf("--metrics-urls has %d URLs for %d endpoints: give one per endpoint, in the same order", len(given), len(eps))
		}
		return given, nil
	}
	if e := t.Embedded(); e != nil {
		return []string{e.MetricsURL()}, nil
	}
	out := make([]string, len(eps))
	for i, ep := range eps {
		out[i] = metricsURLFor(ep)
	}
	return out, nil
}
