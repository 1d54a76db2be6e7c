package result

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// One histogram range for every latency: below it is raised to the
// minimum, past it refused by the histogram (the recorder clamps).
func TestHistogramRangeAndSummary(t *testing.T) {
	h := NewHistogram()
	for _, us := range []int64{HistMinMicros, 1000, 2000, 3000, HistMaxMicros} {
		if err := h.RecordValue(us); err != nil {
			t.Fatalf("record %d µs: %v", us, err)
		}
	}
	if err := h.RecordValue(HistMaxMicros * 2); err == nil {
		t.Error("a value past 60 s must be refused, so the recorder clamps and counts it")
	}
	s := Summarize(h)
	if s.Min != 0.001 || s.P50 < 1.99 || s.P50 > 2.01 || s.Max < 59_990 || s.Max > 60_100 {
		t.Errorf("summary %+v", s)
	}
	back, err := DecodeHistogram(EncodeHistogram(h))
	if err != nil || back.TotalCount() != 5 || Summarize(back) != s {
		t.Errorf("round trip: %v, %d values, %+v", err, back.TotalCount(), Summarize(back))
	}
	if _, err := DecodeHistogram("HISTFAAAAA"); err == nil {
		t.Error("a truncated histogram must be an error, not a panic")
	}
	if (Summarize(nil) != Latency{}) {
		t.Error("no histogram is no latency")
	}
}

// The probes' latency is the same type under the *_ms names the result
// file has always used.
func TestLatencyMsKeepsTheProbeNames(t *testing.T) {
	b, err := json.Marshal(LatencyMs(Latency{Min: 1, Mean: 2, P50: 3, P90: 4, P99: 5, P999: 6, Max: 7}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"min_ms":1,"mean_ms":2,"p50_ms":3,"p90_ms":4,"p99_ms":5,"p999_ms":6,"max_ms":7}`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var f Fsync
	if err := json.Unmarshal([]byte(`{"p99_ms":2.5,"samples":10}`), &f); err != nil || f.P99 != 2.5 || f.Samples != 10 {
		t.Errorf("fsync's flat p99_ms: %v %+v", err, f)
	}
}

func TestReadRefusesWhatIsNotAResult(t *testing.T) {
	for in, want := range map[string]error{
		`not json`:                  ErrNotResult,
		`{"schema":"something/v1"}`: ErrNotResult,
		`{"schema":"etcdtune.result/v1","workloads":[null]}`: ErrNotResult,
	} {
		if _, err := Read(strings.NewReader(in)); !errors.Is(err, want) {
			t.Errorf("Read(%s): %v, want %v", in, err, want)
		}
	}
	if _, err := Read(strings.NewReader(`{"schema":"etcdtune.result/v9"}`)); err == nil || !strings.Contains(err.Error(), "upgrade etcdtune") {
		t.Errorf("a newer schema: %v", err)
	}
	r, err := Read(strings.NewReader(`{"schema":"etcdtune.result/v1"}`))
	if err != nil || r.Schema != Schema {
		t.Errorf("a minimal v1 file: %v", err)
	}
}

// A verdict travels in the result file as an advice entry and comes back
// the same.
func TestVerdictThroughAdvice(t *testing.T) {
	for _, v := range []Verdict{
		{Area: "disk", Level: Pass, Reason: "fsync p99 1 ms", Rule: "r", Source: "s", Evidence: map[string]float64{"p99": 1}},
		{Area: "network", Level: Fail, Reason: "200 ms"},
		{Area: "latency", Reason: "not measured"},
	} {
		a := v.Advice()
		if a.Scope != ScopeVerdict || (v.Level == Pass) != (a.Action == ActionKeep) || v.Measured() == (a.Action == ActionNotMeasured) {
			t.Errorf("%+v stored as %+v", v, a)
		}
		back := VerdictOf(a)
		if back.Area != v.Area || back.Level != v.Level || back.Reason != v.Reason {
			t.Errorf("%+v came back as %+v", v, back)
		}
	}
	r := &Result{Advice: []Advice{{Setting: "--snapshot-count", Scope: ScopeEtcd}, (Verdict{Area: "disk", Level: Warn}).Advice()}}
	if vs := r.Verdicts(); len(vs) != 1 || vs[0].Area != "disk" || vs[0].Level != Warn {
		t.Errorf("Verdicts() = %+v", vs)
	}
}
