package k8s

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// Limits and defaults of the Kubernetes profile, with where they come from
// (the README's "bench k8s" section has the full list).
const (
	// Kubernetes' documented limits for one cluster ("Considerations for
	// large clusters"): 5,000 nodes, 150,000 pods; kubelet's --max-pods
	// defaults to 110, and etcdtune allows up to 1,000.
	MaxNodes       = 5000
	MaxPods        = 150000
	MaxPodsPerNode = 1000
	// ListLimit is the page size of the apiserver's own paginated lists
	// from etcd (its default chunk size, 500).
	ListLimit = 500
	// MaxObjectSize is the largest ConfigMap or Secret: the apiserver
	// refuses data over 1 MiB.
	MaxObjectSize = 1 << 20
	// k8sQuotaBytes is etcd's default --quota-backend-bytes (2 GiB): a profile
	// whose objects alone pass it would fill the database (NOSPACE).
	k8sQuotaBytes = 2 << 30

	// kubelet renews its node Lease every 10 s (0.25 x its 40 s duration).
	k8sHeartbeatInterval = 10 * time.Second
	// Events live 1 h (kube-apiserver --event-ttl); the apiserver attaches
	// the events written within 60 s (at most 1,000) to one etcd lease of
	// TTL event-ttl + 60 s (--lease-reuse-duration-seconds, lease manager).
	k8sEventTTL        = time.Hour
	k8sLeaseReuse      = 60 * time.Second
	k8sLeaseMaxObjects = 1000
)

// Options configure the Kubernetes-apiserver-like profile.
type Options struct {
	Prefix        string        // objects go under Prefix + "registry/"
	Nodes         int           // --nodes
	PodsPerNode   int           // --pods-per-node
	ListLimit     int64         // --list-limit: page size of the paginated lists
	ListEvery     time.Duration // --list-every: each listed resource is listed in full this often
	MaxObjectSize int           // --max-object-size: cap of ConfigMap and Secret sizes
	Watch         bool          // one watch per resource, as the apiserver's watch cache has
	Seed          uint64
	// PodLifetime (--pod-lifetime) is how long a pod lives on average:
	// Pods/PodLifetime pods start, and as many end, each second.
	// ConfigUpdateEvery (--config-update-every) is how often each ConfigMap
	// and Secret is rewritten. 0 is the default (DefaultPodLifetime,
	// DefaultConfigUpdateEvery).
	PodLifetime       time.Duration
	ConfigUpdateEvery time.Duration
}

func (o Options) podLifetime() time.Duration {
	if o.PodLifetime == 0 {
		return DefaultPodLifetime
	}
	return o.PodLifetime
}

func (o Options) configUpdateEvery() time.Duration {
	if o.ConfigUpdateEvery == 0 {
		return DefaultConfigUpdateEvery
	}
	return o.ConfigUpdateEvery
}

// Scale derives the object counts from the node and pod counts. The ratios
// are estimates of a typical cluster: a namespace per 30 pods; one
// ConfigMap per namespace (kube-root-ca.crt, published into every
// namespace) plus one per 10 pods; one Secret per 5 pods; a Deployment
// (with a Service) per 10 pods, and two ReplicaSets of each (the current
// one and the last rollout's, scaled to 0).
func (o Options) Scale() result.K8sScale {
	pods := o.Nodes * o.PodsPerNode
	ns := max(1, ceilDiv(pods, podsPerNamespace))
	deploys := ceilDiv(pods, podsPerDeployment)
	return result.K8sScale{Nodes: o.Nodes, PodsPerNode: o.PodsPerNode, Pods: pods, Namespaces: ns,
		ConfigMaps: ns + ceilDiv(pods, podsPerConfigMap), Secrets: max(1, ceilDiv(pods, podsPerSecret)), Leases: o.Nodes,
		Deployments: deploys, ReplicaSets: replicaSetsPerDeployment * deploys}
}

// The ratios of Scale. The resource table's perNamespace derive from them:
// a namespace holds 30 pods, 1 + 30/10 ConfigMaps and 30/5 Secrets, and
// the counts above never need more namespaces than Scale has
// (ceil(p/10) <= 3 ceil(p/30), ceil(p/5) <= 6 ceil(p/30)); so do the
// Deployments' objects (3 a namespace, 6 ReplicaSets).
const (
	podsPerNamespace         = 30
	podsPerConfigMap         = 10
	podsPerSecret            = 5
	podsPerDeployment        = 10
	replicaSetsPerDeployment = 2
)

// Rate is the requests per second of the profile's cluster at its natural
// pace: the sum of Rates.
func (o Options) Rate() float64 {
	var sum float64
	for _, r := range o.Rates() {
		sum += r
	}
	return sum
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Validate says what is wrong with the options, naming the flag.
func (o Options) Validate() error {
	pods := o.Nodes * o.PodsPerNode
	switch {
	case o.Prefix == "":
		return errors.New("--prefix must not be empty: etcdtune writes only under its own prefix")
	case o.Nodes < 1 || o.Nodes > MaxNodes:
		return fmt.Errorf("--nodes must be between 1 and %d (Kubernetes' limit per cluster), got %d", MaxNodes, o.Nodes)
	case o.PodsPerNode < 1 || o.PodsPerNode > MaxPodsPerNode:
		return fmt.Errorf("--pods-per-node must be between 1 and %d (kubelet's default --max-pods is 110), got %d", MaxPodsPerNode, o.PodsPerNode)
	case pods > MaxPods:
		return fmt.Errorf("--nodes %d x --pods-per-node %d is %d pods, over Kubernetes' limit of %d per cluster", o.Nodes, o.PodsPerNode, pods, MaxPods)
	case o.ListLimit < 1:
		return fmt.Errorf("--list-limit must be at least 1 (the apiserver pages by %d), got %d", ListLimit, o.ListLimit)
	case o.ListEvery <= 0:
		return fmt.Errorf("--list-every must be positive, got %v", o.ListEvery)
	case o.PodLifetime < 0:
		return fmt.Errorf("--pod-lifetime must be positive, got %v", o.PodLifetime)
	case o.ConfigUpdateEvery < 0:
		return fmt.Errorf("--config-update-every must be positive, got %v", o.ConfigUpdateEvery)
	case o.MaxObjectSize < 4<<10:
		return fmt.Errorf("--max-object-size must be at least 4096 bytes, got %d", o.MaxObjectSize)
	case len(o.Prefix)+k8sMaxKeyLen+o.MaxObjectSize+engine.RequestOverhead > engine.MaxRequestBytes:
		return fmt.Errorf("--max-object-size %d makes a write over etcd's 1.5 MiB request limit (--max-request-bytes); use %d or less", o.MaxObjectSize, MaxObjectSize)
	}
	if b := o.PreloadBytes(); b > k8sQuotaBytes {
		return fmt.Errorf("--nodes %d x --pods-per-node %d needs about %d MiB of objects, over etcd's default 2 GiB --quota-backend-bytes; lower the scale", o.Nodes, o.PodsPerNode, b>>20)
	}
	return nil
}

// k8sMaxKeyLen bounds the key after the prefix, e.g.
// "registry/configmaps/ns-4999/cm-150000".
const k8sMaxKeyLen = 64

// PreloadBytes is about how many bytes of values the profile writes before
// the load, from the mean size of each resource's objects.
func (o Options) PreloadBytes() int64 {
	sc := o.Scale()
	var total float64
	for r, res := range resources {
		if res.count != nil {
			total += float64(res.count(sc)) * o.meanSize(r)
		}
	}
	return int64(total)
}

// bands are the size bands of resource r, capped at MaxObjectSize.
func (o Options) bands(r int) []sizeBand {
	bs := append([]sizeBand(nil), resources[r].sizes...)
	for i := range bs {
		bs[i].max = min(bs[i].max, o.MaxObjectSize)
		bs[i].min = min(bs[i].min, bs[i].max)
	}
	return bs
}

// meanSize is the mean of the log-uniform bands of resource r.
func (o Options) meanSize(r int) float64 {
	var m float64
	for _, b := range o.bands(r) {
		lo, hi := float64(b.min), float64(b.max)
		if hi > lo {
			m += b.share * (hi - lo) / math.Log(hi/lo)
		} else {
			m += b.share * lo
		}
	}
	return m
}

// SizeRange is the smallest and largest value size of resource name, for
// checking what a run wrote.
func (o Options) SizeRange(name string) (lo, hi int) {
	for r, res := range resources {
		if res.name == name {
			bs := o.bands(r)
			lo, hi = bs[0].min, bs[0].max
			for _, b := range bs {
				lo, hi = min(lo, b.min), max(hi, b.max)
			}
			return lo, hi
		}
	}
	return 0, 0
}

// objectSize is the size of object idx of resource r: fixed by the seed, so
// an update writes the size the object was created with.
func (o Options) objectSize(r int, idx uint64) int {
	h := splitmix(o.Seed ^ uint64(r)<<56 ^ idx)
	u1 := float64(h>>11) / (1 << 53)
	u2 := float64(splitmix(h)>>11) / (1 << 53)
	bs := o.bands(r)
	b := bs[len(bs)-1]
	for _, c := range bs {
		if u1 < c.share {
			b = c
			break
		}
		u1 -= c.share
	}
	if b.max <= b.min {
		return b.min
	}
	return int(float64(b.min) * math.Pow(float64(b.max)/float64(b.min), u2))
}

// splitmix is SplitMix64's finaliser: a cheap, well-mixed hash.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
