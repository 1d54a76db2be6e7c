package result

// The figures of one kind of load that a Workload carries beside the
// engine's own (bench k8s, bench watch, the lease expiry burst, bench
// quota). The kinds fill them in Finish.

// K8sStats are the figures of the Kubernetes profile beyond the engine's
// per-kind latencies: what it did to each resource's objects, its lists and
// what its watches saw. Counts include the warm-up, since they describe
// what etcd holds.
type K8sStats struct {
	Scale K8sScale `json:"scale"`
	// ProfileRateOpsS is the request rate of the profile's cluster at its
	// natural pace (the sum of its estimated rates); --rate with it replays
	// the cluster in real time.
	ProfileRateOpsS float64                     `json:"profile_rate_ops_s"`
	Resources       map[string]K8sResourceStats `json:"resources"`
	EventLeases     int64                       `json:"event_leases_granted"`
	// MixFrom, for bench k8s --mix-from, is the live apiserver's traffic
	// that the run replayed, and where each figure came from.
	MixFrom *K8sMixFrom `json:"mix_from,omitempty"`
}

// K8sMixFrom is the traffic bench k8s --mix-from read from a kube-apiserver's
// /metrics (two pages WindowS apart) and replayed.
type K8sMixFrom struct {
	Source   string  `json:"source"`
	WindowS  float64 `json:"window_s"`
	RateOpsS float64 `json:"rate_ops_s"` // the sum of the resources' rates
	// NotReplayed are operations of the metrics the replay does not send.
	NotReplayed []string                  `json:"not_replayed,omitempty"`
	Resources   map[string]K8sMixResource `json:"resources"`
	// FitsTimes, with --find-max, is the highest rate that met the SLO over
	// RateOpsS: how many times the live cluster's traffic fits.
	FitsTimes float64 `json:"fits_times,omitempty"`
}

// K8sMixResource is one resource of the replayed mix. Each *_from is
// "file" (read from the metrics) or "model" (the profile's estimate).
type K8sMixResource struct {
	Objects       int64              `json:"objects"`
	ObjectsFrom   string             `json:"objects_from"`
	MeanSizeBytes int                `json:"mean_size_bytes"`
	SizeFrom      string             `json:"size_from"`
	RatesOpsS     map[string]float64 `json:"rates_ops_s"` // by the apiserver's operation name
	RatesFrom     string             `json:"rates_from"`
}

// K8sResourceStats is one resource of the profile.
type K8sResourceStats struct {
	Preloaded      int64 `json:"preloaded"`       // objects written before the load
	PreloadBytes   int64 `json:"preload_bytes"`   // their values' bytes
	Created        int64 `json:"created"`         // creates that succeeded
	Updated        int64 `json:"updated"`         // CAS updates that succeeded
	Deleted        int64 `json:"deleted"`         // deletes that removed an object
	Conflicts      int64 `json:"conflicts"`       // CAS attempts that found a newer revision and retried
	NotFound       int64 `json:"not_found"`       // updates or deletes of an object deleted meanwhile
	ObjectsAtEnd   int64 `json:"objects_at_end"`  // live objects when the load ended
	ListPages      int64 `json:"list_pages"`      // pages read by paginated lists
	ListsCompleted int64 `json:"lists_completed"` // lists read to their last page
	ListedObjects  int64 `json:"listed_objects"`  // objects the pages returned
	Gets           int64 `json:"gets,omitempty"`  // reads of one object (linearizable, as a GET without resourceVersion)
	WatchEvents    int64 `json:"watch_events"`    // events the resource's watch received
	WatchExpected  int64 `json:"watch_expected"`  // writes that should have made one (created+updated+deleted)
}

// K8sScale is the cluster the profile stands for: the flags and the counts
// derived from them.
type K8sScale struct {
	Nodes       int `json:"nodes"`
	PodsPerNode int `json:"pods_per_node"`
	Pods        int `json:"pods"`
	Namespaces  int `json:"namespaces"`
	ConfigMaps  int `json:"configmaps"`
	Secrets     int `json:"secrets"`
	Leases      int `json:"leases"`
	// Deployments (each with a Service: its Endpoints and EndpointSlice)
	// and their ReplicaSets; absent from results made before the profile
	// had them.
	Deployments int `json:"deployments,omitempty"`
	ReplicaSets int `json:"replicasets,omitempty"`
}

// WatchStats is the watch workload's share of the result: delivery,
// creation and catch-up latency, event throughput and the integrity of what
// the watchers received. Slow watchers are counted apart, in Slow.
type WatchStats struct {
	Watchers      int   `json:"watchers"`
	Streams       int   `json:"streams"`
	StartRevision int64 `json:"start_revision"`
	// LiveAfter is the revision before the load: events after it are live,
	// those from StartRevision up to it are history.
	LiveAfter int64 `json:"live_after_revision"`
	EventCounts
	EventsMissing     int64           `json:"events_missing"`
	EventsUnexpected  int64           `json:"events_unexpected"` // beyond the expected, not duplicates
	HistoryEvents     int64           `json:"history_events"`    // of the expected, replayed history
	EventsPerS        float64         `json:"events_per_s"`      // live events received, over the load
	DeliveryMs        Latency         `json:"delivery_latency_ms"`
	DeliveryHistogram string          `json:"delivery_histogram"`
	CreateMs          Latency         `json:"create_latency_ms"`
	CatchUpMs         *Latency        `json:"catch_up_ms,omitempty"`
	Slow              *SlowWatchStats `json:"slow,omitempty"`
	Client            *WatchClient    `json:"client,omitempty"`
}

// WatchClient is what the watching client itself cost, from the start of
// the load until the watchers had their last event: when it was saturated,
// the delivery latency is mostly its own queueing, not etcd's.
type WatchClient struct {
	CPUSeconds     float64 `json:"cpu_s"`                    // the process's user+sys CPU (with an embedded etcd, etcd's too)
	CPUCores       float64 `json:"cpu_cores"`                // that over the wall time: cores kept busy
	Cores          int     `json:"cores"`                    // cores the process may use (GOMAXPROCS)
	CPUMicrosEvent float64 `json:"cpu_us_per_event"`         // CPU per live event received
	MaxRSSBytes    int64   `json:"max_rss_bytes"`            // the process's peak resident set at the end
	StreamResumes  int64   `json:"stream_resumes,omitempty"` // watch streams opened again after one broke
	// ReceiveBusyShare is the share of the receive loops' time spent
	// handling responses (decoding, counting, timing) rather than waiting
	// for gRPC to give the next one.
	ReceiveBusyShare float64 `json:"receive_busy_share"`
	// Saturated: the loops were busy 90% of the time or the process used
	// 90% of its cores.
	Saturated bool `json:"saturated,omitempty"`
}

// EventCounts are the integrity counts every kind of watcher keeps: the
// events it should have had and those it had, duplicated or out of order,
// and whether etcd cancelled it.
type EventCounts struct {
	EventsExpected   int64 `json:"events_expected"`
	EventsReceived   int64 `json:"events_received"`
	EventsDuplicated int64 `json:"events_duplicated"`
	EventsOutOfOrder int64 `json:"events_out_of_order"`
	Cancelled        int   `json:"cancelled"` // watches etcd cancelled
	Compacted        int   `json:"compacted"` // of those, because of a compaction
}

// SlowWatchStats is what became of the slow watchers: how late their events
// came, how far behind they were at the end, and whether etcd cancelled them.
type SlowWatchStats struct {
	Watchers    int     `json:"watchers"`
	ReadDelayMs float64 `json:"read_delay_ms"`
	EventCounts
	EventsBehind int64   `json:"events_behind"` // not received when the run ended
	Delayed      int     `json:"delayed"`       // watchers with an event over 1 s late
	MaxLagMs     float64 `json:"max_lag_ms"`
	DeliveryMs   Latency `json:"delivery_latency_ms"`
}

// LeaseExpiry is how long etcd took to delete keys whose lease ran out:
// from the end of each lease's TTL (its grant's response plus the TTL etcd
// granted) to the delete event of its key on a watch of the keys.
type LeaseExpiry struct {
	TTLS      int64   `json:"ttl_s"` // as granted, which may exceed what was asked
	DelayMs   Latency `json:"delete_delay_ms"`
	Histogram string  `json:"delete_delay_histogram"`
}

// QuotaStats is what the quota scenario measured (the result's "quota").
type QuotaStats struct {
	FillS             float64            `json:"fill_s"`               // from the first put to the NOSPACE error
	Puts              int64              `json:"puts"`                 // accepted before the alarm
	BytesWritten      int64              `json:"bytes_written"`        // values accepted
	DBSizeAtAlarm     int64              `json:"db_size_at_alarm"`     // largest member db when the alarm was raised
	Alarms            []string           `json:"alarms"`               // as AlarmList gave them
	CompactS          float64            `json:"compact_s"`            // compaction to the current revision
	DefragS           map[string]float64 `json:"defrag_s"`             // per member
	DisarmS           float64            `json:"disarm_s"`             // alarm disarm
	RecoveryS         float64            `json:"recovery_s"`           // compact + defrag + disarm
	DBSizeAfter       int64              `json:"db_size_after"`        // largest member db after defrag
	FirstWriteAfterMs float64            `json:"first_write_after_ms"` // a put once disarmed
	PrefixEmpty       bool               `json:"prefix_empty"`         // nothing left under the prefix
}
