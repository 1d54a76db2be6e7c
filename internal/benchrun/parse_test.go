package main

import (
	"strings"
	"testing"
)

// benchmarkOutput is the summary etcd's benchmark (v3.6.8) printed for a
// put run, cut short in the histogram.
const benchmarkOutput = `
Summary:
  Total:	2.7689 secs.
  Slowest:	0.0583 secs.
  Fastest:	0.0011 secs.
  Average:	0.0088 secs.
  Stddev:	0.0045 secs.
  Requests/sec:	7223.1038

Response time histogram:
  0.0011 [1]	|
  0.0068 [7286]	|∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎∎

Latency distribution:
  10% in 0.0045 secs.
  50% in 0.0078 secs.
  90% in 0.0141 secs.
  99% in 0.0236 secs.
  99.9% in 0.0441 secs.
`

func TestParseBenchmarkSummary(t *testing.T) {
	r, err := parseBenchmarkSummary([]byte(benchmarkOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := runStats{tool: nameBenchmark, throughput: 7223.1038, p50: 7.8, p99: 23.6, p999: 44.1}
	if !closeStats(r, want) {
		t.Errorf("got %+v, want %+v", r, want)
	}
}

func TestParseBenchmarkSummaryRefuses(t *testing.T) {
	for name, out := range map[string]string{
		"errors":    benchmarkOutput + "\nError distribution:\n  [10]\tcontext deadline exceeded\n",
		"no p99":    strings.Replace(benchmarkOutput, "99% in", "98% in", 1),
		"no rps":    strings.Replace(benchmarkOutput, "Requests/sec", "Req/s", 1),
		"not a run": "Error: dial tcp: connection refused\n",
	} {
		if _, err := parseBenchmarkSummary([]byte(out)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseEtcdtuneResult(t *testing.T) {
	const ok = `{"end_reason":"completed","workloads":[{"ops":20000,"errors":0,"throughput_ops_s":6157.27,
		"latency_ms":{"p50":9.239,"p99":27.279,"p999":31.519}}]}`
	r, err := parseEtcdtuneResult([]byte(ok))
	if err != nil {
		t.Fatal(err)
	}
	want := runStats{tool: nameEtcdtune, requests: 20000, throughput: 6157.27, p50: 9.239, p99: 27.279, p999: 31.519}
	if !closeStats(r, want) || r.requests != want.requests {
		t.Errorf("got %+v, want %+v", r, want)
	}
	for name, out := range map[string]string{
		"interrupted": strings.Replace(ok, "completed", "interrupted", 1),
		"errors":      strings.Replace(ok, `"errors":0`, `"errors":3`, 1),
		"no workload": `{"end_reason":"completed","workloads":[]}`,
		"not JSON":    "no --endpoints: starting an embedded etcd",
	} {
		if _, err := parseEtcdtuneResult([]byte(out)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// closeStats compares the figures of two runs to 1e-6.
func closeStats(a, b runStats) bool {
	near := func(x, y float64) bool { return x-y < 1e-6 && y-x < 1e-6 }
	return a.tool == b.tool && near(a.throughput, b.throughput) && near(a.p50, b.p50) && near(a.p99, b.p99) && near(a.p999, b.p999)
}

// The benchmark's watch-latency output: the put's summary, then the watch
// events'; only the second one's percentiles are the delivery.
const benchmarkWatchOutput = `
Put summary:

Latency distribution:
  50% in 0.0095 secs.
  99% in 0.0484 secs.

Watch events summary:

Summary:
  Total:	9.1235 secs.

Latency distribution:
  25% in 0.0024 secs.
  50% in 0.0062 secs.
  99% in 0.1401 secs.
`

func TestParseBenchmarkWatch(t *testing.T) {
	r, err := parseBenchmarkWatch([]byte(benchmarkWatchOutput))
	if err != nil {
		t.Fatal(err)
	}
	if r.p50 < 6.19 || r.p50 > 6.21 || r.p99 < 140.09 || r.p99 > 140.11 {
		t.Errorf("delivery p50 %v, p99 %v; want 6.2 and 140.1 ms (the watch summary's, not the put's)", r.p50, r.p99)
	}
	if _, err := parseBenchmarkWatch([]byte(benchmarkOutput)); err == nil {
		t.Error("a put summary alone: want an error")
	}
}

func TestParseEtcdtuneWatch(t *testing.T) {
	out := `{"end_reason":"completed","workloads":[{"watch":{"events_expected":300,"events_received":299,"events_missing":1,
		"delivery_latency_ms":{"p50":2.5,"p99":9.5},"client":{"receive_busy_share":0.25,"saturated":true}}}]}`
	r, err := parseEtcdtuneWatch([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if r.events != 299 || r.expected != 300 || r.bad != 1 || r.p99 != 9.5 || r.busy != 0.25 || !r.saturated {
		t.Errorf("got %+v", r)
	}
	if _, err := parseEtcdtuneWatch([]byte(`{"end_reason":"interrupted","workloads":[]}`)); err == nil {
		t.Error("an interrupted run: want an error")
	}
}
