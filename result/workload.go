package result

// Modes of a run.
const (
	ModeClosed = "closed"
	ModeOpen   = "open"
)

// Reasons a run ended, as the result file names them.
const (
	EndCompleted   = "completed"
	EndInterrupted = "interrupted"
	EndAborted     = "aborted"
	EndFailed      = "failed"
)

// Workload is one workload's entry in the result file (workloads[] of
// etcdtune.result/v1). Latencies are in milliseconds; histograms hold
// microseconds.
type Workload struct {
	Name             string              `json:"name"`
	Params           map[string]any      `json:"params"`
	Mode             string              `json:"mode"`
	TargetRate       float64             `json:"target_rate,omitempty"`
	StartedAt        string              `json:"started_at"`
	DurationS        float64             `json:"duration_s"`
	WarmupS          float64             `json:"warmup_s"`
	EndReason        string              `json:"end_reason"`
	AbortReason      string              `json:"abort_reason,omitempty"` // why the guard stopped the load
	Ops              int64               `json:"ops"`
	Errors           int64               `json:"errors"`
	ErrorKinds       map[string]int64    `json:"error_kinds"`
	WarmupOps        int64               `json:"warmup_ops"`
	WarmupErrors     int64               `json:"warmup_errors"`
	ThroughputOpsS   float64             `json:"throughput_ops_s"`
	LatencyMs        Latency             `json:"latency_ms"`
	ServiceLatencyMs *Latency            `json:"service_latency_ms,omitempty"`
	Histogram        string              `json:"histogram"`
	ServiceHistogram string              `json:"service_histogram,omitempty"`
	Kinds            map[string]KindStat `json:"kinds,omitempty"`
	OpenLoop         *OpenLoopStats      `json:"open_loop,omitempty"`
	Client           ClientStats         `json:"client"`
	Counters         map[string]int64    `json:"counters,omitempty"`     // workload-specific counts (CAS conflicts, ...)
	K8s              *K8sStats           `json:"k8s,omitempty"`          // bench k8s: per-resource figures
	Lease            *LeaseExpiry        `json:"lease_expiry,omitempty"` // the lease workload's expiry burst
	Watch            *WatchStats         `json:"watch,omitempty"`        // bench watch: delivery and integrity
	Quota            *QuotaStats         `json:"quota,omitempty"`        // bench quota: fill and recovery steps
	Capacity         *Capacity           `json:"capacity,omitempty"`     // --find-max: the capacity search
	Series           []SeriesPoint       `json:"series"`
	Warnings         []string            `json:"warnings,omitempty"`
}

// KindStat is one operation kind of a workload that sends several.
type KindStat struct {
	Ops              int64    `json:"ops"`
	Errors           int64    `json:"errors"`
	LatencyMs        Latency  `json:"latency_ms"`
	ServiceLatencyMs *Latency `json:"service_latency_ms,omitempty"`
	Histogram        string   `json:"histogram"`
}

// OpenLoopStats says how well the generator kept its schedule. A shortfall
// is reported here and in Warnings, never hidden.
type OpenLoopStats struct {
	TargetRate        float64 `json:"target_rate"`
	AchievedRate      float64 `json:"achieved_rate"`
	Scheduled         int64   `json:"scheduled"`           // sends due in the measured window
	Sent              int64   `json:"sent"`                // of those, sent
	Unsent            int64   `json:"unsent"`              // due but never sent before the run ended
	LateSends         int64   `json:"late_sends"`          // sent more than 1 ms after their intended time
	MaxSendLagMs      float64 `json:"max_send_lag_ms"`     // the latest a send went out
	MaxInflight       int     `json:"max_inflight"`        // the bound
	PeakInflight      int     `json:"peak_inflight"`       // workers the schedule needed at most
	InflightLimitHits int64   `json:"inflight_limit_hits"` // sends that waited because the bound was reached
}

// ClientStats is what the load generator itself cost. When etcd runs in the
// same process (the embedded target) the CPU includes the server's.
type ClientStats struct {
	CPUSeconds   float64 `json:"cpu_s"`
	CPUMicrosOp  float64 `json:"cpu_us_per_op"`
	MaxRSSBytes  int64   `json:"max_rss_bytes"`
	LatencyClamp int64   `json:"latency_clamped,omitempty"` // latencies over 60 s, recorded as 60 s
}

// SeriesPoint is one second of a run: what completed in it.
type SeriesPoint struct {
	T      int     `json:"t_s"` // seconds since the measured window began; the point covers (T-1, T]
	Ops    int64   `json:"ops"`
	Errors int64   `json:"errors"`
	P50Ms  float64 `json:"p50_ms"`
	P99Ms  float64 `json:"p99_ms"`
	// P999Ms is the second's p99.9 (absent from results of etcdtune
	// before it; compare needs it to judge a p99.9 from one run).
	P999Ms float64 `json:"p999_ms,omitempty"`
	MaxMs  float64 `json:"max_ms"`
	// LeaderChanges are the elections seen in this second, when a guard
	// watched the cluster (a remote target).
	LeaderChanges int64 `json:"leader_changes,omitempty"`
}
