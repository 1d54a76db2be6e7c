package result

// Fsync is the fsync probe's finding: the latency of fdatasync after each
// small sequential write (what fio reports as sync.lat_ns, and what etcd's
// etcd_disk_wal_fsync_duration_seconds measures), and the write rate.
type Fsync struct {
	Path       string  `json:"path"`
	FsType     string  `json:"fs_type,omitempty"`
	Pattern    string  `json:"pattern"`
	BlockBytes int     `json:"block_bytes"`
	TotalBytes int64   `json:"total_bytes"`
	Samples    int64   `json:"samples"`
	DurationS  float64 `json:"duration_s"`
	IOPS       float64 `json:"iops"`
	// LatencyMs is the fdatasync latency (min_ms, mean_ms, ... max_ms).
	LatencyMs
	Warnings []string `json:"warnings,omitempty"`
	// Histogram is the fdatasync latencies in µs, HdrHistogram's
	// compressed encoding, so that runs can be merged exactly.
	Histogram string `json:"histogram,omitempty"`
}
