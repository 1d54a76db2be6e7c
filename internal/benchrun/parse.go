package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// etcdtuneResult is the part of etcdtune's result file (etcdtune.result/v1)
// that benchrun reads. It is declared here rather than taken from package
// reports because benchrun reads the file as any consumer would: by the
// documented field names of the JSON.
type etcdtuneResult struct {
	EndReason string `json:"end_reason"`
	Workloads []struct {
		Ops        int64   `json:"ops"`
		Errors     int64   `json:"errors"`
		Throughput float64 `json:"throughput_ops_s"`
		LatencyMs  struct {
			P50  float64 `json:"p50"`
			P99  float64 `json:"p99"`
			P999 float64 `json:"p999"`
		} `json:"latency_ms"`
	} `json:"workloads"`
}

// parseEtcdtuneResult reads the figures of a one-workload result. A run
// that did not complete or had errors is refused: its figures would not
// compare with the reference's.
func parseEtcdtuneResult(out []byte) (runStats, error) {
	var res etcdtuneResult
	if err := json.Unmarshal(out, &res); err != nil {
		return runStats{}, fmt.Errorf("read result JSON: %w", err)
	}
	switch {
	case res.EndReason != "completed":
		return runStats{}, fmt.Errorf("run ended %q, want completed", res.EndReason)
	case len(res.Workloads) != 1:
		return runStats{}, fmt.Errorf("result has %d workloads, want 1", len(res.Workloads))
	}
	w := res.Workloads[0]
	if w.Errors != 0 {
		return runStats{}, fmt.Errorf("%d of %d requests failed", w.Errors, w.Ops+w.Errors)
	}
	return runStats{tool: nameEtcdtune, requests: w.Ops, throughput: w.Throughput,
		p50: w.LatencyMs.P50, p99: w.LatencyMs.P99, p999: w.LatencyMs.P999}, nil
}

// Lines of etcd benchmark's summary (tools/benchmark/cmd/report), e.g.
// "  Requests/sec:\t7223.1038" and "  99% in 0.0236 secs.".
var (
	benchRPSLine   = regexp.MustCompile(`(?m)^\s*Requests/sec:\s*([0-9.]+)\s*$`)
	benchErrorLine = regexp.MustCompile(`(?m)^\s*Error distribution:`)
)

// benchPercentileLine matches the latency line of one percentile.
func benchPercentileLine(pct string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(pct) + `% in ([0-9.]+) secs\.`)
}

// parseBenchmarkSummary reads throughput and latency percentiles from etcd
// benchmark's text summary. Its latencies are in seconds with four decimals,
// so they are known to 0.1 ms.
func parseBenchmarkSummary(out []byte) (runStats, error) {
	if benchErrorLine.Match(out) {
		return runStats{}, errors.New("some requests failed (the summary has an error distribution)")
	}
	r := runStats{tool: nameBenchmark}
	var err error
	if r.throughput, err = findFloat(out, benchRPSLine, "Requests/sec"); err != nil {
		return runStats{}, err
	}
	for _, f := range []struct {
		pct string
		dst *float64
	}{{"50", &r.p50}, {"99", &r.p99}, {"99.9", &r.p999}} {
		secs, err := findFloat(out, benchPercentileLine(f.pct), f.pct+"% latency")
		if err != nil {
			return runStats{}, err
		}
		*f.dst = secs * 1000
	}
	return r, nil
}

// findFloat returns the number that re's first group captures in out.
func findFloat(out []byte, re *regexp.Regexp, what string) (float64, error) {
	m := re.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("no %s line in the output: %q", what, firstBytes(out, 200))
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w", what, m[1], err)
	}
	return v, nil
}

// firstBytes is the start of out, for an error about what it holds.
func firstBytes(out []byte, n int) []byte {
	return bytes.TrimSpace(out[:min(n, len(out))])
}
