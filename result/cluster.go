package result

// Cluster is the finding of the cluster probe (probes.cluster).
type Cluster struct {
	ClusterID string         `json:"cluster_id"`
	Leader    string         `json:"leader"` // member ID, "" if none
	Members   []Member       `json:"members"`
	Alarms    []Alarm        `json:"alarms"`
	Window    *MetricsWindow `json:"metrics_window"`
}

// Alarm is an alarm raised on a member (NOSPACE, CORRUPT).
type Alarm struct {
	MemberID string `json:"member_id"`
	Alarm    string `json:"alarm"`
}
