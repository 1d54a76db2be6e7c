package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func TestVerdictsOrder(t *testing.T) {
	v := func(area, value string) result.Advice {
		return result.Advice{Setting: area, Scope: result.ScopeVerdict, Value: value, Reason: area + " figure"}
	}
	advice := []result.Advice{
		v("zeta", result.Pass), v("cpu-memory", result.Warn), v("stability", result.Pass),
		{Setting: "--snapshot-count", Scope: result.ScopeEtcd, Value: "10000", Action: result.ActionKeep},
		v("latency", result.Fail), v("alpha", result.Pass), v("throughput", result.Pass),
		v("network", result.Pass), v("disk", result.Warn),
	}
	var got []string
	for _, v := range Verdicts(advice) {
		got = append(got, v.Area)
	}
	want := "disk network throughput latency stability cpu-memory zeta alpha"
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s (known areas first, others as given)", got, want)
	}
}

func TestVerdictNotMeasuredAndNoAdvice(t *testing.T) {
	r := &result.Result{Schema: result.Schema, EndReason: "interrupted", Advice: []result.Advice{
		{Setting: "disk", Scope: result.ScopeVerdict, Action: result.ActionNotMeasured, Reason: "not measured: fsync latency"},
	}}
	var b bytes.Buffer
	if err := WriteVerdict(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"DISK", "N/A", "not measured: fsync latency", "ended early (interrupted)", "(etcd's defaults)"} {
		if !strings.Contains(out, want) {
			t.Errorf("verdict lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "report:") {
		t.Errorf("no report was written, yet the verdict names one:\n%s", out)
	}
	b.Reset()
	if err := WriteVerdict(&b, &result.Result{Schema: result.Schema}); err != nil || !strings.Contains(b.String(), "no verdicts") {
		t.Errorf("a result without advice: %v\n%s", err, b.String())
	}
}

func TestMarkdownEscapesTableCells(t *testing.T) {
	got := mdEscape("a|b\nc <script> x_y")
	if strings.ContainsAny(got, "\n<>") || strings.Contains(got, "a|b") {
		t.Errorf("mdEscape left markup or a cell break: %q", got)
	}
}
