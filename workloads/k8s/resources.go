package k8s

import (
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// Kubernetes resources of the profile: indexes into resources.
const (
	resPods = iota
	resConfigMaps
	resSecrets
	resEvents
	resLeases
	resDeployments
	resReplicaSets
	resEndpointSlices
	resEndpoints
)

// Operations of the profile.
const (
	opCreate = iota
	opUpdate
	opDelete
	opList
	opGet
)

// opNames name the operations in the kinds' names, "<resource>/<op>".
var opNames = [...]string{opCreate: "create", opUpdate: "update", opDelete: "delete", opList: "list", opGet: "get"}

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
	name string // the name in the result, e.g. "pods"
	// segment is the key segment after registry/ where it is not the name:
	// the apiserver keeps Endpoints under services/endpoints.
	segment string
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

// What one churned pod (a pod started and one ended: the profile's churn
// keeps the count of pods) makes the control plane write to etcd, and
// read of it: measured on kube-apiserver v1.34 with hollow nodes, pods of
// `helm create`'s chart in Deployments of 10 scaled to 5 and back and
// rolled out (cmd/etcdtune's TestBenchK8sProfileAgainstARealControlPlane,
// the writes counted by a watch on etcd, the reads by the apiserver's
// etcd_requests_total). The README's table has the figures.
const (
	// Binding, the kubelet's status as the pod starts, the graceful
	// deletion's mark and the kubelet's last status before the delete.
	podUpdatesPerChurn = 6.1
	// The kubelet's and controllers' reads of a pod (a GET without a
	// resourceVersion reaches etcd).
	podGetsPerChurn = 7.0
	// Scheduled, Pulled, Created, Started, Killing and the ReplicaSet's and
	// Deployment's events; updates are the event correlator's counts of
	// repeated events (a PATCH: events are not in the watch cache, so the
	// apiserver reads each from etcd first).
	eventCreatesPerChurn = 6.7
	eventUpdatesPerChurn = 3.6
	// Status updates of the pod's ReplicaSet and Deployment (replicas,
	// ready, available) and its Service's EndpointSlice and Endpoints
	// (the pod's address in and out).
	replicaSetUpdatesPerChurn    = 2.3
	replicaSetGetsPerChurn       = 1.2
	deploymentUpdatesPerChurn    = 2.1
	endpointSliceUpdatesPerChurn = 2.2
	endpointsUpdatesPerChurn     = 1.3
)

// Rates of a steady cluster's own that the calibration does not see
// (hollow pods never change once Ready), estimates (see the README).
const (
	podStatusEveryS = 300 // besides, each pod's status changes every 5 min (probes, restarts)
	nodeEventEveryS = 60  // and each node makes an event a minute
)

// Defaults of the pace of a steady cluster (estimates): a pod lives 30 min
// on average, each ConfigMap or Secret changes once an hour.
const (
	DefaultPodLifetime       = 30 * time.Minute
	DefaultConfigUpdateEvery = time.Hour
)

// controlPlaneLeaseRenewals are the lease updates per second of the control
// plane itself, whatever the cluster's size: kube-controller-manager and
// kube-scheduler renew their leader-election Lease every 2 s
// (--leader-elect-retry-period), each kube-apiserver its identity Lease
// every 10 s. Measured on kube-apiserver v1.34 with 3 hollow nodes: 1.37
// lease updates/s in all, against 0.3 + 1.1 = 1.4 here. They are sent on
// the node Leases (same size and CAS), which keeps the key layout.
const controlPlaneLeaseRenewals = 2.0/2 + 1.0/10

// perChurn is a resource's operation at rate per churned pod.
func perChurn(rate float64) func(pace) float64 {
	return func(p pace) float64 { return rate * p.churn }
}

// configUpdates is the update rate of n ConfigMaps or Secrets.
func configUpdates(n func(result.K8sScale) int) func(pace) float64 {
	return func(p pace) float64 { return float64(n(p.sc)) / p.o.configUpdateEvery().Seconds() }
}

var resources = [...]resource{
	// Pods: median 3,877 B measured (helm create's pods, Running).
	resPods: {name: "pods", object: "pod-", perNamespace: podsPerNamespace, sizes: []sizeBand{{1, 2 << 10, 8 << 10}},
		count: func(sc result.K8sScale) int { return sc.Pods },
		ops: []resourceOp{
			{opCreate, perChurn(1)},
			{opUpdate, func(p pace) float64 { return podUpdatesPerChurn*p.churn + float64(p.sc.Pods)/podStatusEveryS }},
			{opDelete, perChurn(1)},
			{opGet, perChurn(podGetsPerChurn)},
			{opList, func(p pace) float64 { return p.pages(p.sc.Pods) }},
		}},
	resConfigMaps: {name: "configmaps", object: "cm-", perNamespace: 1 + podsPerNamespace/podsPerConfigMap,
		sizes: []sizeBand{{0.90, 100, 4 << 10}, {0.09, 4 << 10, 64 << 10}, {0.01, 64 << 10, MaxObjectSize}},
		count: func(sc result.K8sScale) int { return sc.ConfigMaps },
		ops: []resourceOp{
			// kube-root-ca.crt, one a namespace, changes only with the
			// cluster's CA: the users' ConfigMaps are rewritten.
			{opUpdate, configUpdates(func(sc result.K8sScale) int { return sc.ConfigMaps - sc.Namespaces })},
			{opList, func(p pace) float64 { return p.pages(p.sc.ConfigMaps) }},
		}},
	resSecrets: {name: "secrets", object: "secret-", perNamespace: podsPerNamespace / podsPerSecret,
		sizes: []sizeBand{{0.90, 200, 8 << 10}, {0.09, 8 << 10, 128 << 10}, {0.01, 128 << 10, MaxObjectSize}},
		count: func(sc result.K8sScale) int { return sc.Secrets },
		ops: []resourceOp{
			{opUpdate, configUpdates(func(sc result.K8sScale) int { return sc.Secrets })},
			{opList, func(p pace) float64 { return p.pages(p.sc.Secrets) }},
		}},
	// Events: median 626 B measured.
	resEvents: {name: "events", object: "event-", sizes: []sizeBand{{1, 450, 800}},
		ops: []resourceOp{
			{opCreate, func(p pace) float64 { return eventCreatesPerChurn*p.churn + float64(p.sc.Nodes)/nodeEventEveryS }},
			{opUpdate, perChurn(eventUpdatesPerChurn)},
		}},
	// Node Leases share one namespace and take the node's name: median
	// 479 B measured.
	resLeases: {name: "leases", object: "node-", namespace: "kube-node-lease", sizes: []sizeBand{{1, 420, 560}},
		count: func(sc result.K8sScale) int { return sc.Leases },
		ops: []resourceOp{
			{opUpdate, func(p pace) float64 {
				return float64(p.sc.Nodes)/k8sHeartbeatInterval.Seconds() + controlPlaneLeaseRenewals
			}},
		}},
	// Deployments (3,345 B measured), their ReplicaSets (3,110 B) and their
	// Services' EndpointSlices (2,228 B) and Endpoints (1,813 B): only
	// their status changes with the churn.
	resDeployments: {name: "deployments", object: "deploy-", perNamespace: podsPerNamespace / podsPerDeployment,
		sizes: []sizeBand{{1, 2200, 5000}}, count: func(sc result.K8sScale) int { return sc.Deployments },
		ops: []resourceOp{{opUpdate, perChurn(deploymentUpdatesPerChurn)}}},
	resReplicaSets: {name: "replicasets", object: "rs-", perNamespace: replicaSetsPerDeployment * podsPerNamespace / podsPerDeployment,
		sizes: []sizeBand{{1, 2000, 4500}}, count: func(sc result.K8sScale) int { return sc.ReplicaSets },
		ops: []resourceOp{{opUpdate, perChurn(replicaSetUpdatesPerChurn)}, {opGet, perChurn(replicaSetGetsPerChurn)}}},
	resEndpointSlices: {name: "endpointslices", object: "svc-", perNamespace: podsPerNamespace / podsPerDeployment,
		sizes: []sizeBand{{1, 1500, 3300}}, count: func(sc result.K8sScale) int { return sc.Deployments },
		ops: []resourceOp{{opUpdate, perChurn(endpointSliceUpdatesPerChurn)}}},
	resEndpoints: {name: "endpoints", segment: "services/endpoints", object: "svc-", perNamespace: podsPerNamespace / podsPerDeployment,
		sizes: []sizeBand{{1, 1100, 2500}}, count: func(sc result.K8sScale) int { return sc.Deployments },
		ops: []resourceOp{{opUpdate, perChurn(endpointsUpdatesPerChurn)}}},
}

// keySegment is where resource r's keys are after registry/.
func (res *resource) keySegment() string {
	if res.segment != "" {
		return res.segment
	}
	return res.name
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
