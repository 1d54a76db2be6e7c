package probes

import (
	"bytes"
	"os"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

// FuzzParseMetrics feeds the /metrics parser arbitrary text, and what it
// accepts to the readers of the figures (histogram quantiles, counters,
// the window between two pages): a member answering garbage must not
// crash a probe.
func FuzzParseMetrics(f *testing.F) {
	if b, err := os.ReadFile("testdata/etcd-3.6.16-metrics-leader.txt"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("etcd_server_has_leader 1\n"))
	f.Add([]byte("etcd_server_has_leader 1\n# TYPE etcd_disk_wal_fsync_duration_seconds histogram\n" +
		"etcd_disk_wal_fsync_duration_seconds_bucket{le=\"0.001\"} 5\netcd_disk_wal_fsync_duration_seconds_bucket{le=\"+Inf\"} 3\n" +
		"etcd_disk_wal_fsync_duration_seconds_sum NaN\netcd_disk_wal_fsync_duration_seconds_count 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetrics(bytes.NewReader(b))
		if err != nil {
			return
		}
		exerciseMetrics(m)
	})
}

// exerciseMetrics reads every figure the probes take from a page, and the
// window of the page against itself.
func exerciseMetrics(m Metrics) {
	var mm result.MemberMetrics
	fill(&mm, m, m)
	for _, name := range []string{metricWALFsync, metricBackendCommit, metricPeerRTT} {
		if h, ok := m.Histogram(name); ok {
			h.Quantile(0.99)
			h.MeanMs()
			h.Sub(h)
		}
		for _, h := range m.Histograms(name, "To") {
			h.Quantile(0.5)
		}
	}
	m.Value(metricLeaderChanges)
	m.Label(metricServerID, "server_id")
}
