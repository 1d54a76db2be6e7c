package workloads

import "math/rand/v2"

// Operations of the profile.
const (
	opCreate = iota
	opUpdate
	opDelete
	opList
)

// k8sKind is one operation kind of the profile: an operation on a resource,
// named "<resource>/<op>" in the result.
type k8sKind struct {
	name string
	res  int
	op   int
}

// k8sKinds are the profile's operation kinds; their order is the order of
// Kinds() and of the indexes Send returns.
var k8sKinds = []k8sKind{
	{"pods/create", resPods, opCreate},
	{"pods/update", resPods, opUpdate},
	{"pods/delete", resPods, opDelete},
	{"pods/list", resPods, opList},
	{"configmaps/update", resConfigMaps, opUpdate},
	{"configmaps/list", resConfigMaps, opList},
	{"secrets/update", resSecrets, opUpdate},
	{"secrets/list", resSecrets, opList},
	{"events/create", resEvents, opCreate},
	{"leases/update", resLeases, opUpdate},
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

// Rates are the requests per second of each kind (in k8sKinds' order) that
// the profile's cluster makes at its natural pace. The engine sends the
// kinds in these proportions; `--rate` with their sum replays them in real
// time. A list is counted by its pages.
func (o K8sOptions) Rates() []float64 {
	sc := o.Scale()
	churn := float64(sc.Pods) / podLifetimeS
	pages := func(n int) float64 {
		return float64((int64(n)+o.ListLimit-1)/o.ListLimit) / o.ListEvery.Seconds()
	}
	return []float64{
		churn,
		updatesPerPodStart*churn + float64(sc.Pods)/podStatusEveryS,
		churn,
		pages(sc.Pods),
		float64(sc.ConfigMaps) / configUpdateEveryS,
		pages(sc.ConfigMaps),
		float64(sc.Secrets) / configUpdateEveryS,
		pages(sc.Secrets),
		eventsPerPodStart*churn + float64(sc.Nodes)/nodeEventEveryS,
		float64(sc.Nodes) / k8sHeartbeatInterval.Seconds(),
	}
}

// k8sMix picks the next kind with the profile's proportions.
type k8sMix struct {
	cum []float64 // cumulative shares, the last one 1
}

func newK8sMix(rates []float64) k8sMix {
	var sum float64
	for _, r := range rates {
		sum += r
	}
	m := k8sMix{cum: make([]float64, len(rates))}
	var acc float64
	for i, r := range rates {
		acc += r / sum
		m.cum[i] = acc
	}
	m.cum[len(m.cum)-1] = 1
	return m
}

func (m k8sMix) pick(rng *rand.Rand) int {
	u := rng.Float64()
	for i, c := range m.cum {
		if u < c {
			return i
		}
	}
	return len(m.cum) - 1
}
