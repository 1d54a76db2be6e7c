package result

// Backup is the finding of the backup probe (probes.backup).
type Backup struct {
	Endpoint    string  `json:"endpoint"`
	Destination string  `json:"destination"` // "temp file, removed" or "discarded"
	Bytes       int64   `json:"bytes"`
	DurationS   float64 `json:"duration_s"`
	MBPerS      float64 `json:"mb_per_s"` // 10^6 bytes per second
	// Load is the light load on the same member before and during the
	// snapshot.
	Load BackupLoad `json:"load"`
}

// BackupLoad compares the light load before and during the snapshot.
type BackupLoad struct {
	Key    string     `json:"key"`
	RateHz int        `json:"rate_per_s"`
	Before LoadSample `json:"before"`
	During LoadSample `json:"during"`
	// P99Ratio is during p99 / before p99 over reads and puts (0 when too
	// few requests ran during the snapshot; see Note).
	P99Ratio float64 `json:"p99_ratio"`
	Note     string  `json:"note,omitempty"`
}

// LoadSample is one phase of the light load.
type LoadSample struct {
	Ops    int64     `json:"ops"`
	Errors int64     `json:"errors"`
	Read   LatencyMs `json:"read"`
	Put    LatencyMs `json:"put"`
	P99Ms  float64   `json:"p99_ms"` // reads and puts together
}
