package workloads

import "sync/atomic"

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
	WatchEvents    int64 `json:"watch_events"`    // events the resource's watch received
	WatchExpected  int64 `json:"watch_expected"`  // writes that should have made one (created+updated+deleted)
}

// k8sCounters are one resource's live counts during the run.
type k8sCounters struct {
	preloaded, preloadBytes                  atomic.Int64
	created, updated, deleted                atomic.Int64
	conflicts, notFound                      atomic.Int64
	listPages, listsCompleted, listedObjects atomic.Int64
}

func (c *k8sCounters) stats() K8sResourceStats {
	s := K8sResourceStats{Preloaded: c.preloaded.Load(), PreloadBytes: c.preloadBytes.Load(),
		Created: c.created.Load(), Updated: c.updated.Load(), Deleted: c.deleted.Load(),
		Conflicts: c.conflicts.Load(), NotFound: c.notFound.Load(), ListPages: c.listPages.Load(),
		ListsCompleted: c.listsCompleted.Load(), ListedObjects: c.listedObjects.Load()}
	s.WatchExpected = s.Created + s.Updated + s.Deleted
	return s
}
