package result

// RTT is the finding of the rtt probe (probes.rtt in the result file).
type RTT struct {
	// Method says what was timed for the client round trip.
	Method  string      `json:"method"`
	Members []MemberRTT `json:"members"`
	// Peers is each member's view of each peer, as etcd measures it.
	Peers []PeerRTT `json:"peers"`
	// PeerP99Ms is the worst p99 of Peers (0 when etcd has observed none).
	PeerP99Ms float64 `json:"peer_p99_ms"`
	PeerNote  string  `json:"peer_note"`
}

// MemberRTT is the client round trip to one member.
type MemberRTT struct {
	Endpoint string `json:"endpoint"`
	Samples  int    `json:"samples"`
	Errors   int    `json:"errors"`
	LatencyMs
}

// PeerRTT is one member's round trip to one peer, from that member's
// etcd_network_peer_round_trip_time_seconds histogram since it started.
type PeerRTT struct {
	From         string   `json:"from"` // member ID (etcd_server_id)
	MetricsURL   string   `json:"metrics_url"`
	To           string   `json:"to"` // peer member ID
	Observations uint64   `json:"observations"`
	MeanMs       float64  `json:"mean_ms"`
	P99          Quantile `json:"p99"`
	// Source says how the figure was measured when it is not etcd's own
	// histogram, e.g. timed GETs of /raft/probing (ProbePeerURLs).
	Source string `json:"source,omitempty"`
}
