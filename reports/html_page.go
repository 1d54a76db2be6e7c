package reports

import (
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"

	"github.com/etcdtune/etcdtune/result"
)

// page is what the report template shows.
type page struct {
	CSS                       template.CSS
	Target                    string
	Command, Started, Ended   string
	EndReason, Error, Version string
	Verdicts                  []result.Verdict
	EtcdFlags, APIServerFlags string
	Advice                    []result.Advice
	Capacity                  []capacityView // the workloads that had a capacity search
	Charts                    []chartView    // the charts not of one workload
	Workloads                 []workloadView
	Facts                     []factGroup
}

type chartView struct {
	Title, Caption, File string
	Src                  template.URL
}

type workloadView struct {
	ID, Label, Run, EndReason string
	Params                    []fact
	Latency                   []latencyRow
	Counters                  []fact
	Warnings                  []string
	Chart                     *chartView
}

// capacityView is a capacity search: its line, knee chart and steps.
type capacityView struct {
	Label, Line, Search string
	Nodes               bool // a Kubernetes search: the table has the nodes column
	Chart               *chartView
	Steps               []stepRow
}

type latencyRow struct {
	Name, Throughput, Ops, Errors string
	L                             result.Latency
}

type fact struct{ Name, Value string }

type factGroup struct {
	Title string
	Facts []fact
}

func newPage(r *result.Result, charts []Chart) page {
	p := page{Target: describeTarget(r), Command: r.Command, Started: r.StartedAt, Ended: r.EndedAt,
		EndReason: r.EndReason, Error: r.Error, Version: r.ToolVersion,
		Verdicts: Verdicts(r.Advice), EtcdFlags: flagLine(r.Advice, result.ScopeEtcd),
		APIServerFlags: flagLine(r.Advice, result.ScopeAPIServer), Facts: facts(r)}
	for _, a := range r.Advice {
		if a.Scope != result.ScopeVerdict {
			p.Advice = append(p.Advice, a)
		}
	}
	byFile := map[string]chartView{}
	for _, c := range charts {
		byFile[c.File] = chartView{Title: c.Title, Caption: c.Caption, File: ChartsDir + "/" + c.File, Src: dataURI(c.PNG)}
	}
	for _, f := range []string{"latency-spectrum.png", "fsync.png", "rtt.png"} {
		if c, ok := byFile[f]; ok {
			p.Charts = append(p.Charts, c)
		}
	}
	for i, wl := range r.Workloads {
		if c := wl.Capacity; c != nil {
			v := capacityView{Label: workloadLabel(i, wl), Line: capacityLine(wl.Name, c), Search: capacitySearchLine(c), Nodes: c.MaxNodes > 0, Steps: stepRows(c)}
			if c, ok := byFile[fmt.Sprintf("workload-%d-%s-capacity.png", i+1, fileSafe(wl.Name))]; ok {
				v.Chart = &c
			}
			p.Capacity = append(p.Capacity, v)
		}
	}
	for i, wl := range r.Workloads {
		v := newWorkloadView(i, wl)
		if c, ok := byFile[fmt.Sprintf("workload-%d-%s-series.png", i+1, fileSafe(wl.Name))]; ok {
			v.Chart = &c
		}
		p.Workloads = append(p.Workloads, v)
	}
	return p
}

func newWorkloadView(i int, wl *result.Workload) workloadView {
	v := workloadView{ID: fmt.Sprintf("workload-%d", i+1), Label: workloadLabel(i, wl), Run: describeRun(wl),
		EndReason: wl.EndReason, Warnings: wl.Warnings}
	for _, k := range slices.Sorted(maps.Keys(wl.Params)) {
		v.Params = append(v.Params, fact{k, fmt.Sprint(wl.Params[k])})
	}
	if wl.Mode == result.ModeOpen && wl.TargetRate > 0 {
		v.Params = append(v.Params, fact{"target rate", fmt.Sprintf("%.0f/s", wl.TargetRate)})
	}
	name := "all"
	if wl.Mode == result.ModeOpen {
		name = "all, from the intended send"
	}
	v.Latency = append(v.Latency, latencyRow{name, fmt.Sprintf("%.0f/s", wl.ThroughputOpsS), fmt.Sprint(wl.Ops),
		fmt.Sprint(wl.Errors) + errorKinds(wl.ErrorKinds), wl.LatencyMs})
	if s := wl.ServiceLatencyMs; s != nil {
		v.Latency = append(v.Latency, latencyRow{Name: "service, from the actual send", L: *s})
	}
	for _, k := range slices.Sorted(maps.Keys(wl.Kinds)) {
		ks := wl.Kinds[k]
		thr := ""
		if wl.DurationS > 0 {
			thr = fmt.Sprintf("%.0f/s", float64(ks.Ops)/wl.DurationS)
		}
		v.Latency = append(v.Latency, latencyRow{k, thr, fmt.Sprint(ks.Ops), fmt.Sprint(ks.Errors), ks.LatencyMs})
	}
	for _, k := range slices.Sorted(maps.Keys(wl.Counters)) {
		v.Counters = append(v.Counters, fact{k, fmt.Sprint(wl.Counters[k])})
	}
	if ol := wl.OpenLoop; ol != nil {
		v.Counters = append(v.Counters, fact{"open loop", fmt.Sprintf("target %.0f/s, achieved %.1f/s; %d of %d scheduled sends went out, %d late (max lag %.1f ms), %d waits at --max-inflight %d",
			ol.TargetRate, ol.AchievedRate, ol.Sent, ol.Scheduled, ol.LateSends, ol.MaxSendLagMs, ol.InflightLimitHits, ol.MaxInflight)})
	}
	v.Counters = append(v.Counters, fact{"client", fmt.Sprintf("CPU %.1f µs/request, peak RSS %.0f MB", wl.Client.CPUMicrosOp, float64(wl.Client.MaxRSSBytes)/1e6)})
	return v
}

// facts are the host, disk, network and cluster as the result knows them.
func facts(r *result.Result) []factGroup {
	var out []factGroup
	host := factGroup{Title: "Host"}
	h := r.Host
	host.Facts = append(host.Facts, fact{"load generator", fmt.Sprintf("%s, %s/%s, %d CPUs, %s", h.Hostname, h.OS, h.Arch, h.CPUs, h.Go)})
	if ph := r.Probes.Host; ph != nil {
		host.Facts = append(host.Facts,
			fact{"platform", strings.TrimSpace(ph.Platform + " " + ph.Kernel + " " + ph.Virtualization)},
			fact{"CPUs", fmt.Sprintf("%d %s", ph.CPUs, ph.CPUModel)},
			fact{"memory", fmt.Sprintf("%.1f GiB (%.1f GiB available), swap %.1f GiB", gibs(ph.MemoryBytes), gibs(ph.AvailableBytes), gibs(ph.SwapBytes))},
			fact{"load", fmt.Sprintf("%.2f %.2f %.2f; steal %.1f%% over %.0f s", ph.Load1, ph.Load5, ph.Load15, ph.StealPct, ph.WindowS)})
		host.Facts = appendWarnings(host.Facts, ph.Warnings)
	}
	out = append(out, host)
	if d, f := r.Probes.Disk, r.Probes.Fsync; d != nil || f != nil {
		disk := factGroup{Title: "Disk"}
		if d != nil {
			disk.Facts = append(disk.Facts,
				fact{"device", fmt.Sprintf("%s (%s) for %s, %s on %s", d.Device, strings.Join(d.Stack, " > "), d.Path, d.FsType, d.Mountpoint)},
				fact{"class", fmt.Sprintf("%s: %s", d.Class, d.ClassReason)},
				fact{"speed", fmt.Sprintf("sequential %.0f MB/s, random writes %.0f IOPS, free %.1f GiB", d.SeqWriteMBps, d.RandWriteIOPS, gibs(d.FreeBytes))},
				fact{"rotational / virtual", fmt.Sprintf("%v / %v", d.Rotational, d.Virtual)})
			disk.Facts = appendWarnings(disk.Facts, d.Warnings)
		}
		if f != nil {
			disk.Facts = append(disk.Facts, fact{"fdatasync", fmt.Sprintf("p50 %s, p90 %s, p99 %s, p99.9 %s, max %s ms; %.0f IOPS (%d writes of %d B, %s pattern, on %s)",
				ms(f.P50), ms(f.P90), ms(f.P99), ms(f.P999), ms(f.Max), f.IOPS, f.Samples, f.BlockBytes, f.Pattern, f.Path)})
			disk.Facts = appendWarnings(disk.Facts, f.Warnings)
		}
		out = append(out, disk)
	}
	out = append(out, clusterFacts(r))
	return out
}

// clusterFacts are the members as the target reported them, and what the
// cluster and rtt probes saw.
func clusterFacts(r *result.Result) factGroup {
	g := factGroup{Title: "Cluster"}
	t := r.Target
	g.Facts = append(g.Facts, fact{"target", describeTarget(r)})
	for _, m := range t.Members {
		s := fmt.Sprintf("%s, v%s, %s, db %.1f MB (%.1f MB in use), raft term %d index %d", m.Endpoint, m.Version, memberRole(m.IsLeader, m.IsLearner),
			float64(m.DBSizeBytes)/1e6, float64(m.DBInUseBytes)/1e6, m.RaftTerm, m.RaftIndex)
		if m.Error != "" {
			s += "; error: " + m.Error
		}
		g.Facts = append(g.Facts, fact{"member " + m.Name, s})
	}
	if rtt := r.Probes.RTT; rtt != nil {
		for _, m := range rtt.Members {
			g.Facts = append(g.Facts, fact{"round trip to " + m.Endpoint, fmt.Sprintf("p50 %s, p99 %s, max %s ms (%d samples, %d errors)", ms(m.P50), ms(m.P99), ms(m.Max), m.Samples, m.Errors)})
		}
		if len(rtt.Peers) > 0 {
			g.Facts = append(g.Facts, fact{"peer RTT p99 (worst)", fmt.Sprintf("%s ms", ms(rtt.PeerP99Ms))})
		}
	}
	if c := r.Probes.Cluster; c != nil {
		g.Facts = append(g.Facts, fact{"alarms", fmt.Sprint(len(c.Alarms))})
		if w := c.Window; w != nil {
			for _, m := range w.Members {
				if m.Error != "" {
					g.Facts = append(g.Facts, fact{"metrics of " + m.ID, m.Error})
					continue
				}
				g.Facts = append(g.Facts, fact{fmt.Sprintf("metrics of %s over %.0f s", m.ID, w.WindowS),
					fmt.Sprintf("leader changes %.0f, slow applies %.0f, proposals failed %.0f, pending %.0f, committed-applied %.0f",
						m.LeaderChanges, m.SlowApplies, m.ProposalsFailed, m.ProposalsPending, m.CommittedMinusApplied)})
			}
		}
	}
	return g
}

func appendWarnings(fs []fact, warnings []string) []fact {
	for _, w := range warnings {
		fs = append(fs, fact{"warning", w})
	}
	return fs
}

func gibs(b uint64) float64 { return float64(b) / (1 << 30) }
