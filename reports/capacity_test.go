package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/capacity"
	"github.com/etcdtune/etcdtune/internal/reporttest"
	"github.com/etcdtune/etcdtune/result"
)

// withCapacity is the fixed result with a capacity search on its second
// workload (put, open loop), as bench put --find-max records one: a ramp
// by doubling, a bisection, a confirmation of the best pass.
func withCapacity(t *testing.T) *result.Result {
	t.Helper()
	r := fixedResult(t)
	step := func(target, achieved, p50, p99 float64, pass bool, why string) result.CapacityStep {
		s := result.CapacityStep{TargetRate: target, AchievedRate: achieved, P50Ms: p50, P99Ms: p99, P999Ms: p99 * 1.6,
			Ops: int64(achieved * 3), Pass: pass, Why: why}
		if !pass {
			s.LimitedBy = result.LimitedBySLO
		}
		return s
	}
	confirm := step(5000, 4996, 1.4, 19.5, true, "")
	confirm.Confirm = true
	r.Workloads[1].Capacity = &result.Capacity{MaxRateOpsS: 5000, LimitedBy: result.LimitedBySLO, Confirmed: true,
		SLO: capacity.DefaultSLO("put"), Precision: 0.038, StepS: 3, WarmupS: 1, DurationS: 41,
		Steps: []result.CapacityStep{
			step(250, 250, 0.6, 2.1, true, ""), step(500, 500, 0.6, 2.4, true, ""), step(1000, 999, 0.7, 3.0, true, ""),
			step(2000, 1998, 0.8, 4.2, true, ""), step(4000, 3995, 1.1, 9.8, true, ""),
			step(8000, 6120, 180, 640, false, "p99 640 ms over the SLO's 25 ms"),
			step(6000, 5870, 9.5, 71, false, "p99 71.0 ms over the SLO's 25 ms"), step(5000, 4993, 1.3, 18.2, true, ""),
			step(5500, 5480, 3.1, 33, false, "p99 33.0 ms over the SLO's 25 ms"), confirm,
		}}
	return r
}

// assertKneeFirst fails unless the first chart of r is the knee chart
// file, drawn.
func assertKneeFirst(t *testing.T, r *result.Result, file string) {
	t.Helper()
	charts, err := Charts(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) == 0 || charts[0].File != file {
		t.Fatalf("first chart %v, want the knee chart %s", charts, file)
	}
	reporttest.AssertDrawnPNG(t, file, charts[0].PNG, 600)
}

func TestCapacityLeadsTheReport(t *testing.T) {
	r := withCapacity(t)
	assertKneeFirst(t, r, "workload-2-put-capacity.png")
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	imgs := regexp.MustCompile(`<img [^>]*title="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(imgs) == 0 || imgs[0][1] != "charts/workload-2-put-capacity.png" {
		t.Errorf("the page's first image is %v, want the knee chart", imgs)
	}
	if n := strings.Count(html, `title="charts/workload-2-put-capacity.png"`); n != 1 {
		t.Errorf("the knee chart is on the page %d times, want once", n)
	}
	rows := strings.Count(html, `<tr class="step-`)
	if want := len(r.Workloads[1].Capacity.Steps); rows != want {
		t.Errorf("%d step rows, want %d", rows, want)
	}
	for _, want := range []string{`<section id="capacity">`, `href="#capacity"`, "5,000 puts/s at p99 &lt;= 25 ms, p99.9 &lt;= 100 ms, errors &lt;= 0.1%",
		"at 5,500/s), confirmed", `class="step-pass step-confirm"`, "fail: p99 33.0 ms over the SLO&#39;s 25 ms",
		"<th>achieved</th>", "10 steps of 3s"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(html, "<th>nodes</th>") || strings.Contains(html, "LOWER BOUND") {
		t.Error("a put search has no nodes column and its figure is not a lower bound")
	}
	// The capacity section comes before the other charts.
	if c, s := strings.Index(html, `id="capacity"`), strings.Index(html, `id="charts"`); c < 0 || c > s {
		t.Errorf("capacity section at %d, charts at %d: want it first", c, s)
	}
}

// The Markdown summary of a result with a capacity is the one without,
// plus the capacity section: nothing else moves.
func TestCapacityInMarkdown(t *testing.T) {
	var plain, with bytes.Buffer
	if err := WriteMarkdown(&plain, fixedResult(t)); err != nil {
		t.Fatal(err)
	}
	r := withCapacity(t)
	if err := WriteMarkdown(&with, r); err != nil {
		t.Fatal(err)
	}
	md := with.String()
	start, end := strings.Index(md, "### Capacity\n"), strings.Index(md, "### Workloads\n")
	if start < 0 || end < start {
		t.Fatalf("no capacity section before the workloads:\n%s", md)
	}
	section := md[start:end]
	if md[:start]+md[end:] != plain.String() {
		t.Errorf("beside the capacity section the summary changed:\n%s", md)
	}
	for _, want := range []string{"**5,000 puts/s at p99 &lt;= 25 ms, p99.9 &lt;= 100 ms, errors &lt;= 0.1% (slo: p99 33.0 ms over the SLO's 25 ms at 5,500/s), confirmed**",
		"| target | achieved | p50 | p99 | p99.9 | errors | result |",
		"| 8000/s | 6120/s | 180 ms | 640 ms | 1024 ms | 0 | ❌ fail: p99 640 ms over the SLO's 25 ms |",
		"| 5000/s | 4996/s | 1.40 ms | 19.5 ms | 31.2 ms | 0 | ✅ **pass (confirmation re-run)** |"} {
		if !strings.Contains(section, want) {
			t.Errorf("capacity section lacks %q:\n%s", want, section)
		}
	}
	if rows := len(regexp.MustCompile(`(?m)^\| \d+/s \|`).FindAllString(section, -1)); rows != len(r.Workloads[1].Capacity.Steps) {
		t.Errorf("%d step rows, want %d:\n%s", rows, len(r.Workloads[1].Capacity.Steps), section)
	}
}

// A Kubernetes search counts in nodes: the table has the nodes column and
// the line names the nodes and the kind that broke; a search the generator
// stopped says its figure is a lower bound.
func TestKubernetesCapacity(t *testing.T) {
	r := fixedResult(t)
	r.Workloads = r.Workloads[:1]
	r.Workloads[0].Name = "k8s"
	r.Workloads[0].Capacity = k8sCapacity()

	assertKneeFirst(t, r, "workload-1-k8s-capacity.png")
	var h, m bytes.Buffer
	if err := WriteHTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&m, r); err != nil {
		t.Fatal(err)
	}
	line := "at least 2000 nodes at 30 pods per node ("
	for name, out := range map[string]string{"html": h.String(), "markdown": m.String()} {
		if !strings.Contains(out, line) {
			t.Errorf("%s lacks %q", name, line)
		}
		if !strings.Contains(out, "db 310.0 MB") || !strings.Contains(out, "p99 &lt;= 100 ms") || !strings.Contains(out, "a LOWER BOUND") ||
			!strings.Contains(out, "list pods") {
			t.Errorf("%s lacks the db size, the k8s SLO, the lower bound or the kind that broke", name)
		}
	}
	if !strings.Contains(h.String(), "<th>nodes</th>") || !strings.Contains(h.String(), `<td class="num">4000</td>`) {
		t.Error("html step table lacks the nodes column")
	}
	if !strings.Contains(m.String(), "| nodes | target |") || !strings.Contains(m.String(), "| 4000 | 820/s | 700/s |") {
		t.Errorf("markdown step table lacks the nodes column:\n%s", m.String())
	}
	if !strings.Contains(m.String(), "3 (0.14%)") {
		t.Error("a step's errors lack their share")
	}
}

// k8sCapacity is a Kubernetes search the generator stopped.
func k8sCapacity() *result.Capacity {
	return &result.Capacity{MaxRateOpsS: 410, LimitedBy: result.LimitedByGenerator, LowerBound: true,
		SLO: capacity.DefaultSLO("k8s"), MaxNodes: 2000, PodsPerNode: 30, Burst: 2, BrokeKind: "list pods", DBSizeBytes: 310e6,
		Steps: []result.CapacityStep{
			{Nodes: 500, TargetRate: 100, AchievedRate: 100, P50Ms: 2, P99Ms: 20, Pass: true, Ops: 300},
			{Nodes: 1000, TargetRate: 205, AchievedRate: 204, P50Ms: 3, P99Ms: 40, Pass: true, Ops: 600},
			{Nodes: 2000, TargetRate: 410, AchievedRate: 409, P50Ms: 5, P99Ms: 80, Pass: true, Ops: 1200},
			{Nodes: 4000, TargetRate: 820, AchievedRate: 700, P50Ms: 9, P99Ms: 90, Ops: 2100, Errors: 3,
				Why: "achieved 700/s of 820/s: late sends", LimitedBy: result.LimitedByGenerator},
		}}
}
