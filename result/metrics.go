package result

// MetricsWindow is what each member's server metrics say about a window:
// the difference between a scrape before and one after.
type MetricsWindow struct {
	WindowS float64         `json:"window_s"`
	Note    string          `json:"note"`
	Members []MemberMetrics `json:"members"`
}

// MemberMetrics is one member's metrics over the window. Counters and
// histograms are differences (after minus before); gauges are read after.
type MemberMetrics struct {
	MetricsURL string `json:"metrics_url"`
	ID         string `json:"id"`
	// Error says why the scrape after the window failed (the member went
	// away); the other fields are then empty.
	Error         string          `json:"error,omitempty"`
	IsLeader      bool            `json:"is_leader"`
	HasLeader     bool            `json:"has_leader"`
	WALFsync      WindowHistogram `json:"wal_fsync"`
	BackendCommit WindowHistogram `json:"backend_commit"`
	PeerRTT       []PeerWindow    `json:"peer_rtt"`
	// PeerRTTP99Ms is the worst peer p99 in the window.
	PeerRTTP99Ms     float64 `json:"peer_rtt_p99_ms"`
	LeaderChanges    float64 `json:"leader_changes"`
	SlowApplies      float64 `json:"slow_applies"`
	ProposalsFailed  float64 `json:"proposals_failed"`
	ProposalsPending float64 `json:"proposals_pending"`
	// CommittedMinusApplied is how far the apply loop lags behind Raft.
	CommittedMinusApplied float64 `json:"committed_minus_applied"`
}

// WindowHistogram is a histogram's observations in the window and their
// p99 (absent when there were none).
type WindowHistogram struct {
	Observations uint64    `json:"observations"`
	MeanMs       float64   `json:"mean_ms"`
	P99          *Quantile `json:"p99,omitempty"`
}

// PeerWindow is the round trip to one peer in the window.
type PeerWindow struct {
	To string `json:"to"`
	WindowHistogram
}

// Quantile is a quantile read from a histogram, with the bucket it lies in:
// the value is interpolated inside that bucket, as Prometheus's
// histogram_quantile does, so the bounds are its true precision. etcd's
// buckets double (1 ms, 2 ms, 4 ms ...), so the value is only known within
// a factor of two.
type Quantile struct {
	Ms      float64 `json:"ms"`
	LowerMs float64 `json:"bucket_lower_ms"`
	UpperMs float64 `json:"bucket_upper_ms"` // -1: the +Inf bucket
}
