package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/internal/netdelay"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// repeatedPuts runs `bench put --repeat n` of duration against endpoint
// and returns the n result files it wrote (base-1.json ... base-n.json).
func repeatedPuts(t *testing.T, endpoint, out string, n int, duration string) []string {
	t.Helper()
	// Closed loop with few clients: each request waits for the last, so a
	// slower network shows in every latency and in the throughput.
	r := etcdtune(t, nil, "bench", "put", "--endpoints", endpoint, "--clients", "4", "--conns", "1",
		"--duration", duration, "--key-space", "1000", "--repeat", fmt.Sprint(n), "--out", out, "-o", "json")
	if r.code != 0 {
		t.Fatalf("bench put --repeat %d: exit %d: %s", n, r.code, r.stderr)
	}
	var files []string
	for i := 1; i <= n; i++ {
		f := strings.TrimSuffix(out, ".json") + fmt.Sprintf("-%d.json", i)
		if _, err := result.ReadFile(f); err != nil {
			t.Fatalf("--repeat %d --out %s: run %d: %v", n, out, i, err)
		}
		files = append(files, f)
	}
	return files
}

func compareArgs(base, news []string, extra ...string) []string {
	args := append([]string{"compare", "--base"}, base...)
	args = append(append(args, "--new"), news...)
	return append(args, extra...)
}

// TestCompareCatchesARealRegression: the same workload against one etcd,
// directly and through a proxy adding 5 ms each way. compare must call the
// p99 a regression (exit 1, naming it); runs of the unchanged setup must
// compare as ~ (exit 0).
func TestCompareCatchesARealRegression(t *testing.T) {
	start := time.Now()
	e := etcdtest.Embedded(t)
	ep := e.Endpoints()[0]
	proxy, err := netdelay.Start(strings.TrimPrefix(ep, "http://"), 20*time.Millisecond) // 40 ms a round trip: far above the noise of a busy CI machine
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	dir := t.TempDir()
	direct := repeatedPuts(t, ep, filepath.Join(dir, "direct.json"), 10, "1s")
	slow := repeatedPuts(t, proxy.URL(), filepath.Join(dir, "slow.json"), 5, "1s")
	// Interleaved halves of the direct runs, so a drift over time (a growing
	// db) falls on both sides alike.
	var odd, even []string
	for i, f := range direct {
		if i%2 == 0 {
			odd = append(odd, f)
		} else {
			even = append(even, f)
		}
	}
	gate := "--max-regression=throughput=5%,p99=10%"

	reg := etcdtune(t, nil, compareArgs(odd, slow, gate, "-o", "json")...)
	if reg.code != 1 {
		t.Fatalf("direct vs +5 ms each way: exit %d, want 1\n%s\n%s", reg.code, reg.stdout, reg.stderr)
	}
	if !strings.Contains(reg.stderr, "put p99") {
		t.Errorf("the gate's error does not name p99: %q", reg.stderr)
	}
	var c reports.Comparison
	if err := json.Unmarshal([]byte(reg.stdout), &c); err != nil {
		t.Fatal(err)
	}
	p99 := row(t, &c, "put", "p99")
	if p99.Verdict != reports.VerdictRegression || p99.P >= reports.Alpha {
		t.Errorf("p99 row %+v: want a significant regression", p99)
	}
	t.Logf("regression: p99 base %.3f ms -> new %.3f ms (%+.1f%%), p=%.4f n=%d+%d; throughput %.0f -> %.0f ops/s",
		p99.Base.Median, p99.New.Median, p99.DeltaPct, p99.P, p99.Base.N, p99.New.N,
		row(t, &c, "put", "throughput").Base.Median, row(t, &c, "put", "throughput").New.Median)

	same := etcdtune(t, nil, compareArgs(odd, even, gate, "-o", "json")...)
	if same.code != 0 {
		t.Fatalf("unchanged setup: exit %d, want 0\n%s\n%s", same.code, same.stdout, same.stderr)
	}
	var s reports.Comparison
	if err := json.Unmarshal([]byte(same.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if r := row(t, &s, "put", "p99"); r.Verdict != reports.VerdictSame {
		t.Errorf("unchanged setup: p99 row %+v, want ~", r)
	}
	t.Logf("unchanged: p99 %.3f vs %.3f ms, p=%.3f", row(t, &s, "put", "p99").Base.Median, row(t, &s, "put", "p99").New.Median, row(t, &s, "put", "p99").P)

	table := etcdtune(t, nil, compareArgs(odd, slow, gate)...)
	if !strings.Contains(table.stdout, "regression (gate 10%)") {
		t.Errorf("table output:\n%s", table.stdout)
	}
	t.Logf("table:\n%s", table.stdout)
	checkJUnit(t, etcdtune(t, nil, compareArgs(odd, slow, gate, "-o", "junit")...))
	checkCompareBadInput(t, dir, direct[0], slow[0])
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}

func row(t *testing.T, c *reports.Comparison, workload, metric string) reports.Row {
	t.Helper()
	for _, r := range c.Rows {
		if r.Workload == workload && r.Metric == metric {
			return r
		}
	}
	t.Fatalf("no row for %s %s", workload, metric)
	return reports.Row{}
}

// checkJUnit parses the JUnit output: a testsuite for put, a testcase per
// metric, a failure on p99 and none on the metrics that did not regress
// past a gate.
func checkJUnit(t *testing.T, r runResult) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("-o junit: exit %d, want 1", r.code)
	}
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, r.stdout)
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "etcdtune.put" {
		t.Fatalf("JUnit suites %+v: want one, etcdtune.put", doc.Suites)
	}
	failed := map[string]bool{}
	for _, c := range doc.Suites[0].Cases {
		failed[c.Name] = c.Failure != nil
	}
	if len(failed) != 5 || !failed["p99"] || failed["p50"] || failed["error_rate"] {
		t.Errorf("JUnit test cases (name: failed) %v: want throughput, p50, p99, p999, error_rate; p99 failed", failed)
	}
}

// checkCompareBadInput: each of these is one line on stderr and exit 2.
func checkCompareBadInput(t *testing.T, dir, a, b string) {
	t.Helper()
	other := rewriteResult(t, a, filepath.Join(dir, "range.json"), func(r map[string]any) {
		r["workloads"].([]any)[0].(map[string]any)["name"] = "range"
	})
	oldSchema := rewriteResult(t, a, filepath.Join(dir, "v0.json"), func(r map[string]any) { r["schema"] = "etcdtune.result/v0" })
	notResult := filepath.Join(dir, "x.json")
	os.WriteFile(notResult, []byte(`{"hello": 1}`), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"compare", a, b, "--max-regression", "latency=5%"}, `unknown metric "latency"`},
		{[]string{"compare", a, b, "--max-regression", "p99=ten"}, "p99=ten"},
		{[]string{"compare", a, other}, "same workloads"},
		{[]string{"compare", a, oldSchema}, "schema"},
		{[]string{"compare", a, notResult}, "not an etcdtune result"},
		{[]string{"compare", a}, "base and a new side"},
		{[]string{"compare", a, b, "-o", "xml"}, "unknown --output"},
		{[]string{"merge", a, other}, "not the same workload"},
	}
	for _, c := range cases {
		assertOneLineError(t, etcdtune(t, nil, c.args...), 2, c.want)
	}
}

// TestCompareHistoryOfOtherWorkloads: a history folder holding a result of
// other workloads is refused naming that file.
func TestCompareHistoryOfOtherWorkloads(t *testing.T) {
	history := t.TempDir()
	for name, from := range map[string]string{"a.json": "put-1.json", "b.json": "put-2.json", "c.json": "run-result.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "reports", "testdata", "v1-3611bbc", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(history, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := etcdtune(t, nil, "compare", "--base", history, "--new", filepath.Join("..", "..", "reports", "testdata", "v1-3611bbc", "put-1.json"))
	assertOneLineError(t, r, exitBadInput, "a history must be of one benchmark")
	// c.json, the odd one, is named either as the result that differs or
	// as the newest the others differ from.
	if !strings.Contains(r.stderr, "c.json") {
		t.Errorf("the refusal does not name c.json: %q", r.stderr)
	}
}
