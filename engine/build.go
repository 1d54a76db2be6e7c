package engine

import (
	"fmt"
	"maps"
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// shortfallWarning is how far below the target rate the achieved rate may
// fall before the result warns.
const shortfallWarning = 0.01

// result builds the workload's entry of the result file from the recorder.
func (e *engine) result(startedAt time.Time, window, cpu time.Duration, interrupted bool) *result.Workload {
	t := e.rec.Totals()
	r := &result.Workload{
		Name:         e.wl.Name(),
		Params:       e.params(),
		Mode:         result.ModeClosed,
		StartedAt:    startedAt.UTC().Format(time.RFC3339Nano),
		DurationS:    window.Seconds(),
		WarmupS:      e.cfg.Warmup.Seconds(),
		EndReason:    result.EndCompleted,
		Ops:          t.Ops,
		Errors:       t.Errors,
		ErrorKinds:   cloneCounts(t.ErrorKinds),
		WarmupOps:    t.WarmupOps,
		WarmupErrors: t.WarmupErrors,
		LatencyMs:    result.Summarize(t.Latency),
		Histogram:    result.EncodeHistogram(t.Latency),
		Series:       e.rec.Series(),
		Client: result.ClientStats{CPUSeconds: cpu.Seconds(), MaxRSSBytes: MaxRSS(),
			LatencyClamp: t.Clamped},
	}
	if interrupted {
		r.EndReason = result.EndInterrupted
	}
	if window > 0 {
		r.ThroughputOpsS = float64(t.Ops) / window.Seconds()
	}
	if n := t.Ops + t.Errors + t.WarmupOps + t.WarmupErrors; n > 0 {
		r.Client.CPUMicrosOp = float64(cpu.Microseconds()) / float64(n)
	}
	if len(t.Kinds) > 1 {
		r.Kinds = kindStats(t.Kinds)
	}
	if e.cfg.Rate > 0 {
		e.openResult(r, t, window)
	}
	if t.Clamped > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d latencies exceeded 60 s and were recorded as 60 s", t.Clamped))
	}
	return r
}

func (e *engine) openResult(r *result.Workload, t Totals, window time.Duration) {
	r.Mode = result.ModeOpen
	r.TargetRate = e.cfg.Rate
	s := result.Summarize(t.Service)
	r.ServiceLatencyMs = &s
	r.ServiceHistogram = result.EncodeHistogram(t.Service)
	st := e.open
	if window > 0 {
		st.AchievedRate = float64(st.Sent) / window.Seconds()
	}
	r.OpenLoop = &st
	if st.AchievedRate < e.cfg.Rate*(1-shortfallWarning) {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"the generator sent %.0f req/s against a target of %.0f (%.1f%% short); %d sends never went out",
			st.AchievedRate, e.cfg.Rate, 100*(1-st.AchievedRate/e.cfg.Rate), st.Unsent))
	}
	if st.InflightLimitHits > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"--max-inflight %d was reached %d times: those sends went out late (by up to %.0f ms), their latency counts from the intended time",
			st.MaxInflight, st.InflightLimitHits, st.MaxSendLagMs))
	}
}

func kindStats(kinds []KindTotals) map[string]result.KindStat {
	m := make(map[string]result.KindStat, len(kinds))
	for _, k := range kinds {
		ks := result.KindStat{Ops: k.Ops, Errors: k.Errors, LatencyMs: result.Summarize(k.Latency), Histogram: result.EncodeHistogram(k.Latency)}
		if k.Service != nil {
			s := result.Summarize(k.Service)
			ks.ServiceLatencyMs = &s
		}
		m[k.Name] = ks
	}
	return m
}

// params are the workload's parameters and the engine's, together.
func (e *engine) params() map[string]any {
	p := maps.Clone(e.wl.Params())
	if p == nil {
		p = map[string]any{}
	}
	p["conns"] = len(e.clients)
	if e.cfg.Rate > 0 {
		p["rate"] = e.cfg.Rate
		p["max_inflight"] = e.cfg.MaxInflight
	} else {
		p["clients"] = e.cfg.Clients
	}
	if e.cfg.Duration > 0 {
		p["duration"] = e.cfg.Duration.String()
	} else {
		p["total"] = e.cfg.Total
	}
	p["warmup"] = e.cfg.Warmup.String()
	p["request_timeout"] = e.cfg.RequestTimeout.String()
	return p
}
