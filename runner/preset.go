package runner

import (
	"fmt"
	"sort"
	"strings"
)

// Preset is the size of the cluster a run sizes for. The clients and
// target write rates are etcdctl check perf's --load presets (s, m, l,
// xl), so that a verdict here means the same load there; the rest scales
// the other workloads with them.
type Preset struct {
	Name         string
	Clients      int     // concurrent requests: the open-loop bound of the put phase, the workers of the others
	Conns        int     // gRPC connections the clients share
	WritesPerSec float64 // the put phase's target rate
	K8sNodes     int     // the Kubernetes profile's cluster: nodes x 30 pods
}

// presets are check perf's four loads. Connections grow with the clients
// (about one per 10-15) so that no single HTTP/2 connection's stream limit
// becomes the bottleneck; the k8s scale is an estimate of a cluster that
// sends such a write rate.
var presets = map[string]Preset{
	"s":  {Name: "s", Clients: 50, Conns: 8, WritesPerSec: 150, K8sNodes: 10},
	"m":  {Name: "m", Clients: 200, Conns: 16, WritesPerSec: 1000, K8sNodes: 50},
	"l":  {Name: "l", Clients: 500, Conns: 32, WritesPerSec: 8000, K8sNodes: 100},
	"xl": {Name: "xl", Clients: 1000, Conns: 64, WritesPerSec: 15000, K8sNodes: 250},
}

// DefaultPreset is check perf's default load.
const DefaultPreset = "s"

// k8sPodsPerNode is the pods per node of the Kubernetes phase (bench k8s's
// default).
const k8sPodsPerNode = 30

// LookupPreset returns the preset of that name.
func LookupPreset(name string) (Preset, error) {
	p, ok := presets[name]
	if !ok {
		return Preset{}, fmt.Errorf("unknown --preset %q: use %s", name, strings.Join(PresetNames(), ", "))
	}
	return p, nil
}

// PresetNames lists the presets from the smallest.
func PresetNames() []string {
	names := make([]string, 0, len(presets))
	for n := range presets {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return presets[names[i]].WritesPerSec < presets[names[j]].WritesPerSec })
	return names
}
