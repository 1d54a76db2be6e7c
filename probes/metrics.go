package probes

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/etcdtune/etcdtune/etcdconn"
)

// Names of the etcd server metrics the probes read (etcd v3.4 to v3.6).
const (
	metricPeerRTT        = "etcd_network_peer_round_trip_time_seconds"
	metricWALFsync       = "etcd_disk_wal_fsync_duration_seconds"
	metricBackendCommit  = "etcd_disk_backend_commit_duration_seconds"
	metricLeaderChanges  = "etcd_server_leader_changes_seen_total"
	metricSlowApply      = "etcd_server_slow_apply_total"
	metricProposalFailed = "etcd_server_proposals_failed_total"
	metricProposalPend   = "etcd_server_proposals_pending"
	metricCommitted      = "etcd_server_proposals_committed_total"
	metricApplied        = "etcd_server_proposals_applied_total"
	metricHasLeader      = "etcd_server_has_leader"
	metricIsLeader       = "etcd_server_is_leader"
	metricServerID       = "etcd_server_id"
)

// scrapeTimeout bounds one /metrics request.
const scrapeTimeout = 10 * time.Second

// Metrics is one member's /metrics page, parsed.
type Metrics map[string]*dto.MetricFamily

// Scrape fetches and parses the /metrics page at url. A page that cannot be
// fetched, is not Prometheus text, or is not etcd's is a target error: the
// member has no metrics there.
func Scrape(ctx context.Context, client *http.Client, url string) (Metrics, error) {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("metrics URL %q: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, noMetrics(url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, noMetrics(url, fmt.Errorf("HTTP %s", resp.Status))
	}
	m, err := ParseMetrics(resp.Body)
	if err != nil {
		return nil, noMetrics(url, err)
	}
	return m, nil
}

func noMetrics(url string, err error) error {
	return etcdconn.Unreachable("no etcd metrics at "+url+" (give --metrics-urls)", err)
}

// ParseMetrics parses Prometheus text and checks that it is etcd's.
func ParseMetrics(r io.Reader) (Metrics, error) {
	m, err := ParseText(r)
	if err != nil {
		return nil, err
	}
	if _, ok := m[metricHasLeader]; !ok {
		return nil, fmt.Errorf("no %s: not an etcd server's metrics", metricHasLeader)
	}
	return m, nil
}

// ParseText parses any server's Prometheus text (a kube-apiserver's too).
func ParseText(r io.Reader) (m Metrics, err error) {
	// expfmt v0.62's text parser panics on some malformed input (a comment
	// line followed by a bare '{', found by FuzzParseMetrics); a page from
	// the network must give an error, never a crash.
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("not Prometheus text: the parser failed (%v)", p)
		}
	}()
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("not Prometheus text: %w", err)
	}
	return Metrics(fams), nil
}

// Value returns the sum of a counter or gauge over all its series.
func (m Metrics) Value(name string) (float64, bool) {
	f, ok := m[name]
	if !ok {
		return 0, false
	}
	sum := 0.0
	for _, s := range f.GetMetric() {
		sum += SeriesValue(s)
	}
	return sum, true
}

// ValuesBy returns the sum of a counter or gauge per value of label, e.g.
// grpc_server_handled_total by grpc_method; nil if there is no such metric.
func (m Metrics) ValuesBy(name, label string) map[string]float64 {
	f, ok := m[name]
	if !ok {
		return nil
	}
	out := map[string]float64{}
	for _, s := range f.GetMetric() {
		out[SeriesLabels(s)[label]] += SeriesValue(s)
	}
	return out
}

// SeriesValue is the value of one series of a counter, gauge or untyped
// metric (0 for a histogram or summary).
func SeriesValue(s *dto.Metric) float64 {
	switch {
	case s.Counter != nil:
		return s.Counter.GetValue()
	case s.Gauge != nil:
		return s.Gauge.GetValue()
	case s.Untyped != nil:
		return s.Untyped.GetValue()
	}
	return 0
}

// SeriesLabels are the labels of one series, by name.
func SeriesLabels(s *dto.Metric) map[string]string {
	l := map[string]string{}
	for _, lp := range s.GetLabel() {
		l[lp.GetName()] = lp.GetValue()
	}
	return l
}

// Label returns the value of label on the first series of name, e.g. the
// server_id of etcd_server_id.
func (m Metrics) Label(name, label string) string {
	f, ok := m[name]
	if !ok || len(f.GetMetric()) == 0 {
		return ""
	}
	for _, lp := range f.GetMetric()[0].GetLabel() {
		if lp.GetName() == label {
			return lp.GetValue()
		}
	}
	return ""
}

// Histograms returns the histogram name per value of label (etcd's peer
// round trip has one per To peer); with label "" all series are merged
// under "".
func (m Metrics) Histograms(name, label string) map[string]Histogram {
	f, ok := m[name]
	if !ok {
		return nil
	}
	out := map[string]Histogram{}
	for _, s := range f.GetMetric() {
		if s.Histogram == nil {
			continue
		}
		key := ""
		for _, lp := range s.GetLabel() {
			if label != "" && lp.GetName() == label {
				key = lp.GetValue()
			}
		}
		out[key] = out[key].add(histogramOf(s.Histogram))
	}
	return out
}

// Histogram returns the histogram name, merged over its series.
func (m Metrics) Histogram(name string) (Histogram, bool) {
	h, ok := m.Histograms(name, "")[""]
	return h, ok
}

func histogramOf(h *dto.Histogram) Histogram {
	out := Histogram{Count: h.GetSampleCount(), Sum: h.GetSampleSum()}
	for _, b := range h.GetBucket() {
		out.Buckets = append(out.Buckets, Bucket{UpperBound: b.GetUpperBound(), Count: b.GetCumulativeCount()})
	}
	if n := len(out.Buckets); n == 0 || !math.IsInf(out.Buckets[n-1].UpperBound, 1) {
		out.Buckets = append(out.Buckets, Bucket{UpperBound: math.Inf(1), Count: out.Count})
	}
	return out
}

// metricsURLFor derives a member's metrics URL from its client URL: etcd
// serves /metrics on its client port as well as on --listen-metrics-urls.
func metricsURLFor(clientURL string) string {
	u := strings.TrimRight(clientURL, "/")
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	return u + "/metrics"
}
