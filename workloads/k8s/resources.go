package k8s

import "github.com/etcdtune/etcdtune/result"

// Kubernetes resources of the profile: indexes into resources.
const (
	resPods = iota
	resConfigMaps
	resSecrets
	resEvents
	resLeases
)

// Operations of the profile.
const (
	opCreate = iota
	opUpdate
	opDelete
	opList
)

// opNames name the operations in the kinds' names, "<resource>/<op>".
var opNames = [...]string{opCreate: "create", opUpdate: "update", opDelete: "delete", opList: "list"}

// sizeBand is a share of a resource's objects with sizes spread
// log-uniformly between min and max bytes.
type sizeBand struct {
	share    float64
	min, max int
}

// resource is one resource of the profile: the one place its key layout,
// its object sizes and counts and the operations sent on it are declared.
// The kinds, the sizes, the preload, the counters and the result's
// per-resource figures all derive from the table below.
type resource struct {
	name string // etcd key segment and the name in the result, e.g. "pods"
	// object is the prefix of an object's name, followed by its number.
	object string
	// namespace, if set, holds every object (node Leases); otherwise the
	// objects fill the profile's namespaces in turn, perNamespace to a
	// namespace (see k8sNames.appendKey).
	namespace string
	// perNamespace is how many of the resource's objects a namespace holds:
	// object idx is in namespace idx/perNamespace, whatever the cluster's
	// size, so that a grown cluster keeps its objects' keys. 0 spreads the
	// objects over the namespaces of the moment (events: written once,
	// never addressed again).
	perNamespace int
	// sizes of the values, as protobuf-encoded objects in real clusters
	// have them (estimates: see the README).
	sizes []sizeBand
	// count is how many objects the cluster holds, written before the load;
	// nil for a resource that is only created during the load (events),
	// whose objects the profile does not track.
	count func(result.K8sScale) int
	// ops are the operations sent on the resource, in the order of Kinds(),
	// each with its rate at the cluster's natural pace.
	ops []resourceOp
}

// resourceOp is one operation on a resource and its requests per second.
type resourceOp struct {
	op   int
	rate func(pace) float64
}

// Churn and update rates, estimates of a steady cluster (see the README).
const (
	podLifetimeS       = 1800 // a pod lives 30 min on average: creates = deletes = pods/1800 per second
	updatesPerPodStart = 4    // binding, then kubelet's status: ContainerCreating, Running, Ready
	podStatusEveryS    = 300  // besides, each pod's status changes every 5 min (probes, restarts)
	eventsPerPodStart  = 5    // Scheduled, Pulling, Pulled, Created, Started
	nodeEventEveryS    = 60   // and each node makes an event a minute
	configUpdateEveryS = 3600 // each ConfigMap or Secret changes once an hour
)

// controlPlaneLeaseRenewals are the lease updates per second of the control
// plane itself, whatever the cluster's size: kube-controller-manager and
// kube-scheduler renew their leader-election Lease every 2 s
// (--leader-elect-retry-period), each kube-apiserver its identity Lease
// every 10 s. Measured on kube-apiserver v1.34 with 3 hollow nodes: 1.30
// lease updates/s in all at rest, against 0.3 + 1.1 = 1.4 here. They are
// sent on the node Leases (same size and CAS), which keeps the key layout.
const controlPlaneLeaseRenewals = 2.0/2 + 1.0/10

var resources = [...]resource{
	resPods: {name: "pods", object: "pod-", perNamespace: podsPerNamespace, sizes: []sizeBand{{1, 2 << 10, 8 << 10}},
		count: func(sc result.K8sScale) int { return sc.Pods },
		ops: []resourceOp{
			{opCreate, func(p pace) float64 { return p.churn }},
			{opUpdate, func(p pace) float64 { return updatesPerPodStart*p.churn + float64(p.sc.Pods)/podStatusEveryS }},
			{opDelete, func(p pace) float64 { return p.churn }},
			{opList, func(p pace) float64 { return p.pages(p.sc.Pods) }},
		}},
	resConfigMaps: {name: "configmaps", object: "cm-", perNamespace: 1 + podsPerNamespace/podsPerConfigMap,
		sizes: []sizeBand{{0.90, 100, 4 << 10}, {0.09, 4 << 10, 64 << 10}, {0.01, 64 << 10, MaxObjectSize}},
		count: func(sc result.K8sScale) int { return sc.ConfigMaps },
		ops: []resourceOp{
			{opUpdate, func(p pace) float64 { return float64(p.sc.ConfigMaps) / configUpdateEveryS }},
			{opList, func(p pace) float64 { return p.pages(p.sc.ConfigMaps) }},
		}},
	resSecrets: {name: "secrets", object: "secret-", perNamespace: podsPerNamespace / podsPerSecret,
		sizes: []sizeBand{{0.90, 200, 8 << 10}, {0.09, 8 << 10, 128 << 10}, {0.01, 128 << 10, MaxObjectSize}},
		count: func(sc result.K8sScale) int { return sc.Secrets },
		ops: []resourceOp{
			{opUpdate, func(p pace) float64 { return float64(p.sc.Secrets) / configUpdateEveryS }},
			{opList, func(p pace) float64 { return p.pages(p.sc.Secrets) }},
		}},
	// Events: median 596 B measured on kube-apiserver v1.34 (Scheduled,
	// SuccessfulCreate, ScalingReplicaSet of a Deployment's pods).
	resEvents: {name: "events", object: "event-", sizes: []sizeBand{{1, 450, 800}},
		ops: []resourceOp{
			{opCreate, func(p pace) float64 { return eventsPerPodStart*p.churn + float64(p.sc.Nodes)/nodeEventEveryS }},
		}},
	// Node Leases share one namespace and take the node's name.
	// Node Leases: median 478 B measured on kube-apiserver v1.34.
	resLeases: {name: "leases", object: "node-", namespace: "kube-node-lease", sizes: []sizeBand{{1, 420, 560}},
		count: func(sc result.K8sScale) int { return sc.Leases },
		ops: []resourceOp{
			{opUpdate, func(p pace) float64 {
				return float64(p.sc.Nodes)/k8sHeartbeatInterval.Seconds() + controlPlaneLeaseRenewals
			}},
		}},
}

// pace is what the rates are computed from: the options, the cluster they
// stand for and its pod churn.
type pace struct {
	o     Options
	sc    result.K8sScale
	churn float64 // pods created (and deleted) per second
}

// pages is how many list pages per second listing n objects takes.
func (p pace) pages(n int) float64 {
	return float64((int64(n)+p.o.ListLimit-1)/p.o.ListLimit) / p.o.ListEvery.Seconds()
}

// k8sKind is one operation kind of the profile: an operation on a resource,
// named "<resource>/<op>" in the result.
type k8sKind struct {
	name string
	res  int
	op   int
	rate func(pace) float64
}

// k8sKinds are the profile's operation kinds, every resource's operations
// in the table's order; their order is the order of Kinds() and of the
// indexes Send returns.
var k8sKinds = func() []k8sKind {
	var ks []k8sKind
	for r, res := range resources {
		for _, op := range res.ops {
			ks = append(ks, k8sKind{name: res.name + "/" + opNames[op.op], res: r, op: op.op, rate: op.rate})
		}
	}
	return ks
}()

// IsList says whether kind (a name of Kinds()) is a page of a paginated
// list, which a capacity search holds to a list's looser limit.
func IsList(kind string) bool {
	for _, k := range k8sKinds {
		if k.name == kind {
			return k.op == opList
		}
	}
	return false
}
