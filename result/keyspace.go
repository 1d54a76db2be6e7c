package result

// Keyspace is the keyspace probe's finding: what a cluster holds under a
// root, per group (for Kubernetes, per resource: /registry/pods/).
type Keyspace struct {
	Prefix     string          `json:"prefix"`
	Revision   int64           `json:"revision"`
	Sampled    bool            `json:"sampled"` // stopped at --sample keys
	Keys       int64           `json:"keys"`
	KeyBytes   int64           `json:"key_bytes"`
	ValueBytes int64           `json:"value_bytes"`
	Groups     []KeyspaceGroup `json:"groups"`
	Largest    []KeyspaceKey   `json:"largest"`
	NearLimit  []KeyspaceKey   `json:"near_limit"`
	// EventKeysPct and EventBytesPct are the share of Kubernetes events
	// (/registry/events/) in keys and in bytes.
	EventKeysPct  float64 `json:"event_keys_pct"`
	EventBytesPct float64 `json:"event_bytes_pct"`
	Reads         int64   `json:"reads"`
}

// KeyspaceGroup is one prefix's share.
type KeyspaceGroup struct {
	Prefix     string `json:"prefix"`
	Keys       int64  `json:"keys"`
	KeyBytes   int64  `json:"key_bytes"`
	ValueBytes int64  `json:"value_bytes"`
	MaxValue   int64  `json:"max_value_bytes"`
}

// KeyspaceKey is one object, by the size of its value.
type KeyspaceKey struct {
	Key   string `json:"key"`
	Bytes int64  `json:"bytes"`
}
