package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/etcdtune/etcdtune/result"
)

// verdictEmoji makes a verdict visible at a glance in a pull request.
var verdictEmoji = map[string]string{result.Pass: "✅", result.Warn: "⚠️", result.Fail: "❌", notMeasuredVerdict: "➖"}

// WriteMarkdown writes a summary of a result fit for a pull-request
// comment: the verdicts, a table per workload and the advice.
func WriteMarkdown(w io.Writer, r *result.Result) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "## etcdtune: %s\n\n", mdEscape(describeTarget(r)))
	fmt.Fprintf(b, "`%s` · %s · ended: %s\n\n", mdEscape(r.Command), r.StartedAt, r.EndReason)
	writeMarkdownVerdicts(b, r.Advice)
	writeMarkdownCapacity(b, r.Workloads)
	if len(r.Workloads) > 0 {
		b.WriteString("### Workloads\n\n")
	}
	for i, wl := range r.Workloads {
		writeMarkdownWorkload(b, i, wl)
	}
	writeMarkdownAdvice(b, r.Advice)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownVerdicts(b *strings.Builder, advice []result.Advice) {
	vs := Verdicts(advice)
	if len(vs) == 0 {
		return
	}
	b.WriteString("### Verdicts\n\n| area | verdict | figure |\n|---|---|---|\n")
	for _, v := range vs {
		val := verdictValue(v)
		fmt.Fprintf(b, "| %s | %s %s | %s |\n", v.Area, verdictEmoji[val], val, mdEscape(v.Reason))
	}
	b.WriteString("\n")
}

func writeMarkdownWorkload(b *strings.Builder, i int, wl *result.Workload) {
	fmt.Fprintf(b, "#### %s\n\n%s\n\n", mdEscape(workloadLabel(i, wl)), mdEscape(describeRun(wl)))
	b.WriteString("| | throughput | p50 | p99 | p99.9 | max | requests | errors |\n|---|--:|--:|--:|--:|--:|--:|--:|\n")
	latencyRow := func(name string, thr string, l result.Latency, ops, errs string) {
		fmt.Fprintf(b, "| %s | %s | %s ms | %s ms | %s ms | %s ms | %s | %s |\n", name, thr, ms(l.P50), ms(l.P99), ms(l.P999), ms(l.Max), ops, errs)
	}
	allName := "all"
	if wl.Mode == result.ModeOpen {
		allName = "all (from intended send)"
	}
	latencyRow(allName, fmt.Sprintf("%.0f/s", wl.ThroughputOpsS), wl.LatencyMs, fmt.Sprint(wl.Ops), fmt.Sprint(wl.Errors)+mdEscape(errorKinds(wl.ErrorKinds)))
	if s := wl.ServiceLatencyMs; s != nil {
		latencyRow("service (from actual send)", "", *s, "", "")
	}
	for _, k := range slices.Sorted(maps.Keys(wl.Kinds)) {
		ks := wl.Kinds[k]
		thr := ""
		if wl.DurationS > 0 {
			thr = fmt.Sprintf("%.0f/s", float64(ks.Ops)/wl.DurationS)
		}
		latencyRow(mdEscape(k), thr, ks.LatencyMs, fmt.Sprint(ks.Ops), fmt.Sprint(ks.Errors))
	}
	if ol := wl.OpenLoop; ol != nil {
		fmt.Fprintf(b, "\nTarget %.0f/s, achieved %.1f/s; %d late sends (max lag %.1f ms).\n", ol.TargetRate, ol.AchievedRate, ol.LateSends, ol.MaxSendLagMs)
	}
	for _, warn := range wl.Warnings {
		fmt.Fprintf(b, "\n> ⚠️ %s\n", mdEscape(warn))
	}
	b.WriteString("\n")
}

// writeMarkdownCapacity writes, for each workload that had a capacity
// search, its capacity line and its steps; nothing when none had.
func writeMarkdownCapacity(b *strings.Builder, wls []*result.Workload) {
	heading := false
	for i, wl := range wls {
		c := wl.Capacity
		if c == nil {
			continue
		}
		if !heading {
			b.WriteString("### Capacity\n\n")
			heading = true
		}
		fmt.Fprintf(b, "#### %s\n\n**%s**\n\n%s\n\n", mdEscape(workloadLabel(i, wl)), mdEscape(capacityLine(wl.Name, c)), mdEscape(capacitySearchLine(c)))
		nodes := c.MaxNodes > 0
		if nodes {
			b.WriteString("| nodes ")
		}
		b.WriteString("| target | achieved | p50 | p99 | p99.9 | errors | result |\n")
		if nodes {
			b.WriteString("|--:")
		}
		b.WriteString("|--:|--:|--:|--:|--:|--:|---|\n")
		for _, s := range stepRows(c) {
			outcome := mdEscape(s.Outcome)
			if s.Confirm {
				outcome = "**" + outcome + "**"
			}
			if nodes {
				fmt.Fprintf(b, "| %s ", s.Nodes)
			}
			fmt.Fprintf(b, "| %s | %s | %s ms | %s ms | %s ms | %s | %s %s |\n", s.Target, s.Achieved, s.P50, s.P99, s.P999, s.Errors, stepEmoji(s.Pass), outcome)
		}
		b.WriteString("\n")
	}
}

// stepEmoji marks a step's outcome at a glance, as the verdicts are.
func stepEmoji(pass bool) string {
	if pass {
		return verdictEmoji[result.Pass]
	}
	return verdictEmoji[result.Fail]
}

// writeMarkdownAdvice writes the settings and operations advised; the
// verdicts have their own table above.
func writeMarkdownAdvice(b *strings.Builder, advice []result.Advice) {
	var rows []result.Advice
	for _, a := range advice {
		if a.Scope != result.ScopeVerdict {
			rows = append(rows, a)
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("### Advice\n\n| setting | current | recommended | action | reason |\n|---|---|---|---|---|\n")
	for _, a := range rows {
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", a.Setting, mdEscape(dash(a.Current)), mdEscape(dash(a.Value)), a.Action, mdEscape(a.Reason))
	}
	if line := flagLine(advice, result.ScopeEtcd); line != "" {
		fmt.Fprintf(b, "\n```\n%s\n```\n", line)
	}
}

// mdEscape keeps text from breaking a table row or turning into markup.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`).Replace(s)
}
