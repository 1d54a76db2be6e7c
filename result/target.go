package result

// Target describes the etcd under test (the result's "target").
type Target struct {
	Endpoints     []string `json:"endpoints"`
	Embedded      bool     `json:"embedded"`
	DataDir       string   `json:"data_dir,omitempty"`
	ServerVersion string   `json:"server_version"`
	ClusterID     string   `json:"cluster_id,omitempty"`
	Leader        string   `json:"leader,omitempty"`
	Revision      int64    `json:"revision"`
	Members       []Member `json:"members"`
}

// Member is one etcd member: as its own status reports it (target.members),
// and as the member list and its health check show it (probes.cluster).
// Each place fills what it reads; a field written by only one of them
// before is written by both now, empty where the other does not read it.
type Member struct {
	Name         string `json:"name"`
	ID           string `json:"id"`
	Endpoint     string `json:"endpoint"`
	Version      string `json:"version"`
	IsLeader     bool   `json:"is_leader"`
	IsLearner    bool   `json:"is_learner"`
	DBSizeBytes  int64  `json:"db_size_bytes"`
	DBInUseBytes int64  `json:"db_in_use_bytes"`
	RaftTerm     uint64 `json:"raft_term"`
	RaftIndex    uint64 `json:"raft_index"`
	// Error says why the member did not answer its status (target).
	Error string `json:"error,omitempty"`
	// PeerURLs and ClientURLs are from the member list (cluster probe).
	PeerURLs         []string `json:"peer_urls"`
	ClientURLs       []string `json:"client_urls"`
	RaftAppliedIndex uint64   `json:"raft_applied_index,omitempty"`
	// Healthy and HealthMs are the health check of Endpoint (cluster probe).
	Healthy  *bool   `json:"healthy,omitempty"`
	HealthMs float64 `json:"health_ms,omitempty"`
	// Errors are those the member's status lists (active alarms) and those
	// of the cluster probe's status and health calls.
	Errors []string `json:"errors,omitempty"`
}
