package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func TestParseGate(t *testing.T) {
	cases := []struct {
		in   string
		want Gate
		err  string
	}{
		{"", Gate{}, ""},
		{"throughput=5%,p99=10%", Gate{"throughput": 5, "p99": 10}, ""},
		{"p99.9=20%, errors=0.1%", Gate{"p999": 20, "error_rate": 0.1}, ""},
		{"latency=5%", nil, `unknown metric "latency"`},
		{"p99=10", nil, "give a limit such as p99=10%"},
		{"p99=-1%", nil, "give a limit"},
		{"p99", nil, "give a limit"},
	}
	for _, c := range cases {
		g, err := ParseGate(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || len(g) != len(c.want) {
			t.Errorf("%q: %v, %v; want %v", c.in, g, err, c.want)
		}
		for k, v := range c.want {
			if g[k] != v {
				t.Errorf("%q: %s = %v, want %v", c.in, k, g[k], v)
			}
		}
	}
}

// runs makes result files of one put workload with the given p99s and a
// throughput of 1000 ops/s.
func runs(p99s ...float64) []*result.Result {
	var rs []*result.Result
	for _, p := range p99s {
		rs = append(rs, &result.Result{Schema: result.Schema, Workloads: []*result.Workload{{Name: "put", Ops: 1000,
			ThroughputOpsS: 1000, LatencyMs: result.Latency{P50: 1, P99: p, P999: p}}}})
	}
	return rs
}

func TestCompareVerdicts(t *testing.T) {
	gate := Gate{"p99": 10}
	cases := []struct {
		name      string
		base, new []*result.Result
		p99       string
	}{
		{"slower past the gate", runs(5, 5.1, 4.9, 5.2, 5), runs(7, 7.2, 6.9, 7.1, 7.3), VerdictRegression},
		{"slower within the gate", runs(5, 5.01, 4.99, 5.02, 5.03), runs(5.2, 5.21, 5.22, 5.23, 5.24), VerdictWorse},
		{"faster", runs(7, 7.2, 6.9, 7.1, 7.3), runs(5, 5.1, 4.9, 5.2, 5), VerdictBetter},
		{"noise", runs(5, 7, 5.5, 6.5, 6), runs(6.2, 5.2, 6.8, 5.7, 6.1), VerdictSame},
		// One run a side can never be significant: benchstat's ~.
		{"one run each", runs(5), runs(50), VerdictSame},
	}
	for _, c := range cases {
		cmp, err := Compare(c.base, c.new, gate)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range cmp.Rows {
			if r.Metric == "p99" && r.Verdict != c.p99 {
				t.Errorf("%s: p99 %s (p=%.3f), want %s", c.name, r.Verdict, r.P, c.p99)
			}
			if r.Metric == "throughput" && r.Verdict != VerdictSame {
				t.Errorf("%s: throughput unchanged but %s", c.name, r.Verdict)
			}
		}
		if got := len(cmp.Regressions()) > 0; got != (c.p99 == VerdictRegression) {
			t.Errorf("%s: regressions %v", c.name, cmp.Regressions())
		}
	}
}

func TestCompareRefusesMismatches(t *testing.T) {
	other := runs(5)
	other[0].Workloads[0].Name = "range"
	v0 := runs(5)
	v0[0].Schema = "etcdtune.result/v0"
	cases := []struct {
		name      string
		base, new []*result.Result
		err       string
	}{
		{"other workload", runs(5), other, "same workloads"},
		{"mixed schemas", runs(5, 5), append(runs(5), v0...), "one etcdtune result version"},
		{"empty side", runs(5), nil, "at least one"},
	}
	for _, c := range cases {
		if _, err := Compare(c.base, c.new, nil); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		}
	}
}

func TestCompareJUnit(t *testing.T) {
	cmp, err := Compare(runs(5, 5.1, 4.9, 5.2, 5), runs(7, 7.2, 6.9, 7.1, 7.3), Gate{"p99": 10})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCompareJUnit(&b, cmp); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Out     string `xml:"system-out"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if doc.Tests != 5 || doc.Failures != 1 || len(doc.Suites) != 1 {
		t.Fatalf("tests %d failures %d suites %d, want 5, 1, 1:\n%s", doc.Tests, doc.Failures, len(doc.Suites), b.String())
	}
	for _, c := range doc.Suites[0].Cases {
		if (c.Failure != nil) != (c.Name == "p99") {
			t.Errorf("test case %s: failure %+v", c.Name, c.Failure)
		}
		if c.Failure != nil && !strings.Contains(c.Failure.Message, "put p99 regressed") || !strings.Contains(c.Out, "evidence between runs (Mann-Whitney U over 5+5 runs)") {
			t.Errorf("failure message %q", c.Failure.Message)
		}
	}
}

func TestCompareMarkdown(t *testing.T) {
	cmp, err := Compare(runs(5, 5.1, 4.9, 5.2, 5), runs(7, 7.2, 6.9, 7.1, 7.3), Gate{"p99": 10})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCompareMarkdown(&b, cmp); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"### etcdtune compare: 1 regression(s)", "| put | p99 (ms) | 5.00 ±∞ | 7.10 ±∞ | +42.0% | p=0.008 n=5 | between runs | **regression (gate 10%)** |", "| put | throughput (ops/s) | 1000 ±∞ | 1000 ±∞ | ~ | p=1.000 n=5 | between runs | ~ |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, b.String())
		}
	}
}

// seriesRun is a result of one put workload whose 20 seconds have p99s
// around p99 (±5%, alternating) and 1000 ops each.
func seriesRun(p99 float64) *result.Result {
	w := &result.Workload{Name: "put", Ops: 20_000, ThroughputOpsS: 1000, LatencyMs: result.Latency{P50: 1, P99: p99, P999: 2 * p99}}
	for s := 1; s <= 20; s++ {
		wobble := 1 + 0.05*float64(s%3-1)
		w.Series = append(w.Series, result.SeriesPoint{T: s, Ops: 1000, P50Ms: 1, P99Ms: p99 * wobble, P999Ms: 2 * p99 * wobble, MaxMs: 3 * p99})
	}
	return &result.Result{Schema: result.Schema, Workloads: []*result.Workload{w}}
}

// TestCompareOneRunASide: with one run a side the verdict rests on the
// runs' seconds; a doubled p99 is a regression past a 50% gate, the same
// p99 is ~, and the note says what the test cannot know.
func TestCompareOneRunASide(t *testing.T) {
	gate := Gate{"p99": 50}
	c, err := Compare([]*result.Result{seriesRun(5)}, []*result.Result{seriesRun(10)}, gate)
	if err != nil {
		t.Fatal(err)
	}
	var p99 Row
	for _, r := range c.Rows {
		if r.Metric == "p99" {
			p99 = r
		}
	}
	if p99.Verdict != VerdictRegression || p99.Evidence != EvidenceWithin || p99.P >= Alpha || p99.DeltaLo == nil || *p99.DeltaLo < 50 {
		t.Errorf("p99 5 -> 10 ms, one run a side: %+v, want a regression within runs whose interval is past +50%%", p99)
	}
	if !strings.Contains(strings.Join(p99.Notes, " "), "the gate's limit must cover the spread between runs") {
		t.Errorf("notes %q do not say what one run a side cannot show", p99.Notes)
	}
	same, err := Compare([]*result.Result{seriesRun(5)}, []*result.Result{seriesRun(5.1)}, gate)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteCompareText(&b, same); err != nil {
		t.Fatal(err)
	}
	for _, r := range same.Rows {
		if r.Verdict == VerdictRegression {
			t.Errorf("p99 5 -> 5.1 ms: %s %s is a regression", r.Workload, r.Metric)
		}
	}
	if strings.Contains(b.String(), "all samples are equal") || !strings.Contains(b.String(), "within runs") {
		t.Errorf("table of one run a side:\n%s", b.String())
	}
	var ten []*result.Result
	for i := range 10 {
		ten = append(ten, seriesRun(5+0.1*float64(i%3)))
	}
	hist, err := Compare(ten, []*result.Result{seriesRun(10)}, gate)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range hist.Rows {
		if r.Metric == "p99" && (r.Verdict != VerdictRegression || !strings.Contains(r.Method, "spread between 10 runs")) {
			t.Errorf("one run against a history of ten: %+v", r)
		}
	}
}
