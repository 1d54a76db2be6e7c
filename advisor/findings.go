package advisor

// Measure is one measured figure and where it came from, e.g.
// {2.1, "probe fsync p99 on /var/lib/etcd"}. A nil *Measure means the
// figure was not measured.
type Measure struct {
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// M makes a Measure.
func M(v float64, source string) *Measure { return &Measure{Value: v, Source: source} }

// PeerRTT is the round trip between two members, in milliseconds.
type PeerRTT struct {
	From, To string
	MeanMs   float64
	P99Ms    float64
	Source   string
}

// Findings are what the rules read: probe and workload figures, the scale
// the cluster is for, and the settings in force.
type Findings struct {
	ServerVersion string
	Members       int

	// Network.
	PeerRTT []PeerRTT // per pair of members

	// Disk: the fsync probe on the data dir, or the server's WAL fsync.
	FsyncP99Ms         *Measure
	FsyncMaxMs         *Measure
	BackendCommitP99Ms *Measure
	DiskShared         bool // the WAL shares its disk with other I/O

	// Load and host.
	WriteRateOpsS  *Measure // writes per second the cluster must take
	EntryBytes     *Measure // mean size of a write (key + value)
	MemoryBytes    *Measure
	CPUs           *Measure
	CPUBusyPercent *Measure

	// The sizing run (etcdtune run): the put phase at the preset's target
	// rate, and how steady the cluster stayed under the whole suite.
	WriteTargetOpsS   *Measure // the write rate asked for (open loop)
	WriteAchievedOpsS *Measure // the write rate etcd took at that target
	WriteP99Ms        *Measure // p99 of those writes, from the intended send time
	WriteMaxMs        *Measure // the slowest of those writes
	WriteP99LimitMs   float64  // the p99 a PASS needs (0: DefaultWriteP99PassMs)
	LoadRequests      *Measure // requests sent by every workload
	LoadErrors        *Measure // of those, failed
	LeaderChanges     *Measure // leader changes seen by any member during the load

	// Capacity: the highest write rate within the SLO that a capacity
	// search found (LowerBound: the generator's or the search's limit,
	// not the server's), and the Kubernetes nodes the node search found.
	WriteCapacityOpsS       *Measure
	WriteCapacityLowerBound bool
	WriteCapacityUnsteady   string // how the server's pace changed during the search, if it did
	K8sMaxNodes             *Measure
	K8sPodsPerNode          int  // the node search's pods per node
	K8sNodesLowerBound      bool // the node search reached its bound, or the generator's
	PlannedK8sNodes         int  // the nodes the cluster is sized for (the sizing run's preset)

	// Database.
	DBSizeBytes      *Measure
	DBInUseBytes     *Measure
	DBGrowthBytesDay *Measure

	// Kubernetes.
	Nodes          int
	PodsPerNode    int
	EventsShare    *Measure // share (0..1) of keys, bytes or writes that are events, the largest
	ForKubernetes  bool     // kube-apiserver compacts every 5 minutes by itself
	EventEndpoints []string // where a separate events cluster would live, if known

	// Resilience.
	FailuresTolerated int       // members that may fail at once (1 or 2)
	MemberCommitMs    []float64 // per follower: RTT to the leader + its fsync, for the quorum estimate

	// Backups.
	SnapshotSeconds    *Measure
	SnapshotImpactMs   *Measure // p99 added to a light load while the snapshot streamed
	SnapshotFromLeader bool

	// Current settings by flag name ("--heartbeat-interval": "100").
	Current map[string]string
}
