package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/etcdtune/etcdtune/result"
)

// verdictOrder is the order areas are shown in: the capacity first (the
// headline of a sizing run), then the machine (disk,
// network), then what the load showed, then sizing. Areas not listed
// follow, in the order the advisor gave them.
var verdictOrder = []string{"capacity", "disk", "network", "throughput", "latency", "stability", "cpu-memory"}

// notMeasuredVerdict is shown for an area whose figure was not measured.
const notMeasuredVerdict = "N/A"

// Verdicts returns the advice's verdicts in the report's order.
func Verdicts(advice []result.Advice) []result.Verdict {
	out := result.VerdictsOf(advice)
	rank := func(area string) int {
		if i := slices.Index(verdictOrder, area); i >= 0 {
			return i
		}
		return len(verdictOrder)
	}
	slices.SortStableFunc(out, func(a, b result.Verdict) int { return rank(a.Area) - rank(b.Area) })
	return out
}

// verdictValue is PASS, WARN or FAIL, or N/A when not measured.
func verdictValue(v result.Verdict) string {
	if !v.Measured() {
		return notMeasuredVerdict
	}
	return v.Level
}

// WriteVerdict writes the one-screen verdict of a result: a line per area
// with the figure behind it, then the settings to use.
func WriteVerdict(w io.Writer, r *result.Result) error {
	return WriteVerdictWithReport(w, r, "")
}

// WriteVerdictWithReport is WriteVerdict with, last, where the report is
// (a folder or its report.html; nothing when where is "").
func WriteVerdictWithReport(w io.Writer, r *result.Result, where string) error {
	fmt.Fprintf(w, "etcdtune verdict: %s\n", describeTarget(r))
	if r.EndReason != "" && r.EndReason != "completed" {
		fmt.Fprintf(w, "the run ended early (%s): the verdicts rest on what it measured\n", r.EndReason)
	}
	fmt.Fprintln(w)
	vs := Verdicts(r.Advice)
	if len(vs) == 0 {
		fmt.Fprintln(w, "  no verdicts: the result holds no advice (run etcdtune run, or etcdtune advise --from)")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, v := range vs {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", strings.ToUpper(v.Area), verdictValue(v), v.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	writeSettings(w, r.Advice)
	if where != "" {
		fmt.Fprintf(w, "\nreport: %s\n", where)
	}
	return nil
}

// writeSettings writes the flags to use, etcd's and kube-apiserver's, and
// the operations advised.
func writeSettings(w io.Writer, advice []result.Advice) {
	etcd := flagLine(advice, result.ScopeEtcd)
	if etcd == "" {
		etcd = "(etcd's defaults)"
	}
	fmt.Fprintf(w, "settings for etcd:  %s\n", etcd)
	if api := flagLine(advice, result.ScopeAPIServer); api != "" {
		fmt.Fprintf(w, "for kube-apiserver: %s\n", api)
	}
	for _, a := range advice {
		if a.Scope == result.ScopeOperations && a.Action == result.ActionSet {
			fmt.Fprintf(w, "to do: %s: %s\n", a.Setting, a.Reason)
		}
	}
}

// flagLine is the advice of a scope as flags: every setting with a value
// to use, kept ones too, so the line can be pasted as it is.
func flagLine(advice []result.Advice, scope string) string {
	var flags []string
	for _, a := range applicable(advice, scope) {
		if a.Value != "(none)" {
			flags = append(flags, a.Setting+"="+a.Value)
		}
	}
	return strings.Join(flags, " ")
}
