package result

// What ended a capacity search (Capacity.LimitedBy).
const (
	// LimitedBySLO: the server missed a latency limit at the next rate.
	LimitedBySLO = "slo"
	// LimitedByErrors: the server failed more requests than the SLO allows.
	LimitedByErrors = "errors"
	// LimitedByGenerator: etcdtune itself could not keep the schedule (late
	// sends, the in-flight bound, its own CPU): the figure is a lower bound
	// of the server's capacity, not the capacity.
	LimitedByGenerator = "generator"
	// LimitedByMaxRate: the search reached --max-rate (or --max-nodes)
	// with every step passing: the capacity is at least that.
	LimitedByMaxRate = "max-rate"
	// LimitedByQuota: the Kubernetes search stopped before a larger
	// cluster would fill the database past its share of the backend
	// quota: the cluster holds at least that many nodes.
	LimitedByQuota = "quota"
)

// SLO is the limits a step of a capacity search must meet: latency
// quantiles from the intended send time, in ms (0: no limit), and the
// share of failed requests.
type SLO struct {
	P50Ms     float64 `json:"p50_ms,omitempty"`
	P99Ms     float64 `json:"p99_ms,omitempty"`
	P999Ms    float64 `json:"p999_ms,omitempty"`
	ErrorRate float64 `json:"error_rate"` // a fraction: 0.001 is 0.1%
	// Source says where the limits come from (a default's reason, or
	// "--slo").
	Source string `json:"source,omitempty"`
}

// Capacity is what a capacity search (bench --find-max, run's capacity
// phase) found: the highest rate, or the largest Kubernetes cluster, that
// met the SLO, and what stopped the search.
type Capacity struct {
	MaxRateOpsS float64 `json:"max_rate_ops_s"`
	LimitedBy   string  `json:"limited_by"` // LimitedBy*
	// LowerBound is true when the figure is not the server's limit (the
	// generator's, or --max-rate's): the server may carry more.
	LowerBound bool `json:"lower_bound"`
	// Confirmed is true when the best passing step passed again when re-run.
	Confirmed bool `json:"confirmed"`
	// Unsteady, when set, says how the server's pace changed during the
	// search: a rate failed below one that had passed, which a server of
	// one pace does not do. The figure then depends on when it was
	// measured.
	Unsteady string `json:"unsteady,omitempty"`
	SLO      SLO    `json:"slo"`
	// Precision is the gap between the figure and the lowest rate that
	// failed, relative to that rate: how close the search came.
	Precision float64 `json:"precision"`
	StepS     float64 `json:"step_s"` // each step's measured window
	WarmupS   float64 `json:"step_warmup_s"`
	DurationS float64 `json:"duration_s"` // the whole search
	// The Kubernetes search (bench k8s --find-max) counts in nodes.
	MaxNodes    int            `json:"max_nodes,omitempty"`
	PodsPerNode int            `json:"pods_per_node,omitempty"`
	Burst       float64        `json:"burst,omitempty"`      // the step's rate over the cluster's natural one
	BrokeKind   string         `json:"broke_kind,omitempty"` // the operation kind that missed its SLO first
	DBSizeBytes int64          `json:"db_size_bytes,omitempty"`
	Steps       []CapacityStep `json:"steps"`
}

// CapacityStep is one step of a capacity search: one rate, held for the
// step's window.
type CapacityStep struct {
	TargetRate   float64 `json:"target_ops_s"`
	AchievedRate float64 `json:"achieved_ops_s"`
	P50Ms        float64 `json:"p50_ms"`
	P99Ms        float64 `json:"p99_ms"`
	P999Ms       float64 `json:"p999_ms"`
	Ops          int64   `json:"ops"`
	Errors       int64   `json:"errors"`
	Pass         bool    `json:"pass"`
	// Why says why the step did not pass (the limit missed, with the
	// figure), empty when it passed.
	Why string `json:"why,omitempty"`
	// LimitedBy is the stop reason this step's failure stands for.
	LimitedBy string `json:"limited_by,omitempty"`
	Confirm   bool   `json:"confirm,omitempty"` // the re-run of the best passing step
	Retry     bool   `json:"retry,omitempty"`   // a further try of a step its first try did not settle
	Nodes     int    `json:"nodes,omitempty"`   // the Kubernetes search's cluster size
	// Kind is the operation kind whose latencies the step shows (the
	// Kubernetes search: the one that broke, or the nearest its limit).
	Kind string `json:"kind,omitempty"`
}
