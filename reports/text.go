package reports

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/etcdtune/etcdtune/result"
)

// WriteText writes the terminal summary of a result: the target, then each
// workload's throughput, errors and latency.
func WriteText(w io.Writer, r *result.Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "target\t%s\n", describeTarget(r))
	for _, wl := range r.Workloads {
		writeWorkloadText(tw, wl)
	}
	if r.Error != "" {
		fmt.Fprintf(tw, "error\t%s\n", r.Error)
	}
	return tw.Flush()
}

func describeTarget(r *result.Result) string {
	t := r.Target
	kind := "cluster"
	if t.Embedded {
		kind = "embedded etcd"
	}
	s := fmt.Sprintf("%s v%s at %s", kind, t.ServerVersion, strings.Join(t.Endpoints, ","))
	if n := len(t.Members); n > 1 {
		s += fmt.Sprintf(" (%d members)", n)
	}
	return s
}

func writeWorkloadText(w io.Writer, r *result.Workload) {
	fmt.Fprintf(w, "\n%s\t%s\n", r.Name, describeRun(r))
	fmt.Fprintf(w, "  requests\t%d ok, %d errors%s\n", r.Ops, r.Errors, errorKinds(r.ErrorKinds))
	fmt.Fprintf(w, "  throughput\t%.0f ops/s\n", r.ThroughputOpsS)
	if ol := r.OpenLoop; ol != nil {
		fmt.Fprintf(w, "  rate\ttarget %.0f/s, achieved %.1f/s: %d of %d scheduled sends went out, %d late (max lag %.1f ms)\n",
			ol.TargetRate, ol.AchievedRate, ol.Sent, ol.Scheduled, ol.LateSends, ol.MaxSendLagMs)
		fmt.Fprintf(w, "  latency\t%s  (from the intended send time)\n", latencyLine(r.LatencyMs))
		if r.ServiceLatencyMs != nil {
			fmt.Fprintf(w, "  service\t%s  (from the actual send)\n", latencyLine(*r.ServiceLatencyMs))
		}
	} else {
		fmt.Fprintf(w, "  latency\t%s\n", latencyLine(r.LatencyMs))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Kinds)) {
		fmt.Fprintf(w, "  %s\t%d ok, %d errors; %s\n", k, r.Kinds[k].Ops, r.Kinds[k].Errors, latencyLine(r.Kinds[k].LatencyMs))
	}
	if len(r.Counters) > 0 {
		fmt.Fprintf(w, "  counters\t%s\n", counterLine(r.Counters))
	}
	if x := r.Lease; x != nil {
		fmt.Fprintf(w, "  expiry\t%s  (from the end of a %d s lease to its key's delete event)\n", latencyLine(x.DelayMs), x.TTLS)
	}
	if r.Watch != nil {
		writeWatchText(w, r.Watch)
	}
	fmt.Fprintf(w, "  client\tCPU %.1f µs/request, peak RSS %.0f MB\n", r.Client.CPUMicrosOp, float64(r.Client.MaxRSSBytes)/1e6)
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning\t%s\n", warn)
	}
	if r.Capacity != nil {
		writeCapacityText(w, r.Name, r.Capacity)
	}
}

func describeRun(r *result.Workload) string {
	var b strings.Builder
	switch r.Mode {
	case result.ModeOpen:
		fmt.Fprintf(&b, "open loop at %s/s over %v connections", rate(r.TargetRate), r.Params["conns"])
	default:
		fmt.Fprintf(&b, "closed loop, %v clients over %v connections", r.Params["clients"], r.Params["conns"])
	}
	fmt.Fprintf(&b, ", %.1fs", r.DurationS)
	if r.WarmupS > 0 {
		fmt.Fprintf(&b, " after %.1fs warm-up (%d requests)", r.WarmupS, r.WarmupOps+r.WarmupErrors)
	}
	fmt.Fprintf(&b, ", %s", r.EndReason)
	return b.String()
}

func latencyLine(l result.Latency) string {
	return fmt.Sprintf("min %s  mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms",
		ms(l.Min), ms(l.Mean), ms(l.P50), ms(l.P90), ms(l.P99), ms(l.P999), ms(l.Max))
}

// ms prints a latency with three significant digits, as the histograms keep.
func ms(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func errorKinds(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// counterLine lists a workload's own counts (CAS conflicts, lease
// expiries, ...) by name.
func counterLine(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// writeWatchText is the watch workload's block: delivery from the put's
// intended send time, creation, catch-up, integrity and the slow watchers.
func writeWatchText(w io.Writer, x *result.WatchStats) {
	fmt.Fprintf(w, "  watchers\t%d over %d streams, from revision %d; %.0f events/s\n", x.Watchers, x.Streams, x.StartRevision, x.EventsPerS)
	fmt.Fprintf(w, "  delivery\t%s  (put's intended send -> event at each watcher)\n", latencyLine(x.DeliveryMs))
	fmt.Fprintf(w, "  create\t%s\n", latencyLine(x.CreateMs))
	if x.CatchUpMs != nil {
		fmt.Fprintf(w, "  catch-up\t%s  (%d history events)\n", latencyLine(*x.CatchUpMs), x.HistoryEvents)
	}
	fmt.Fprintf(w, "  events\t%d expected, %d received, %d missing, %d duplicated, %d out of order; %d watches cancelled (%d compacted)\n",
		x.EventsExpected, x.EventsReceived, x.EventsMissing, x.EventsDuplicated, x.EventsOutOfOrder, x.Cancelled, x.Compacted)
	if c := x.Client; c != nil {
		fmt.Fprintf(w, "  client\t%.1f s CPU (%.2f of %d cores, %.2f µs per event), receive loops busy %.0f%%, peak RSS %.0f MB\n",
			c.CPUSeconds, c.CPUCores, c.Cores, c.CPUMicrosEvent, 100*c.ReceiveBusyShare, float64(c.MaxRSSBytes)/(1<<20))
		if c.Saturated {
			fmt.Fprintf(w, "  \tSATURATED: the client was the limit; the delivery latency is mostly the client's, not etcd's\n")
		}
	}
	if s := x.Slow; s != nil {
		fmt.Fprintf(w, "  slow\t%d watchers reading every %.0f ms: %d delayed over 1 s (max %.0f ms), %d events behind at the end, %d cancelled (%d compacted)\n",
			s.Watchers, s.ReadDelayMs, s.Delayed, s.MaxLagMs, s.EventsBehind, s.Cancelled, s.Compacted)
	}
}
