// Package layers states the direction of etcdtune's dependencies: each
// package has a layer, and a package may import only packages of a lower
// layer. docs/ARCHITECTURE.md draws the same table; the test of this
// package reads the real import graph (go list) and fails on an import that
// goes sideways or up, or on a package the table does not know.
package layers

import (
	"fmt"
	"sort"
	"strings"
)

// Module is etcdtune's module path.
const Module = "github.com/etcdtune/etcdtune"

// Of gives each package of the module (its path below Module) its layer.
var Of = map[string]int{
	// Leaves: no etcdtune imports.
	"fault":               0, // the error vocabulary: bad input, target unusable, check failed
	"buildinfo":           0, // the versions of etcdtune and of the etcd it was built with
	"internal/netdelay":   0, // tests: a TCP proxy that adds latency
	"internal/testpki":    0, // tests: a CA and certificates made in the test
	"internal/reporttest": 0, // tests: checks of drawn PNGs and external references
	"internal/layers":     0, // this table
	"internal/namevalue":  0, // the name=value lists flags take
	"internal/evidence":   0, // compare's test within runs: batch means of seconds, Welch's t
	// The result file's schema: every type a result holds.
	"result": 1,
	// Pure rules on figures.
	"advisor": 2,
	// Real etcd on this machine, and the connection to the etcd under test.
	"localetcd":          2,
	"localetcd/etcdtest": 3,
	"etcdconn":           3,
	"internal/k8stest":   4, // tests: a real Kubernetes control plane (built from k8s/reference) on loopback
	// The load engine, then the load kinds and the probes on top of it.
	"engine":                4,
	"workloads":             5,
	"probes":                5,
	"capacity":              5, // the capacity search: pure, steps measured by the caller
	"workloads/watchstream": 5, // watches on raw gRPC streams, one receive loop per stream
	"workloads/k8s":         6,
	"workloads/watch":       6,
	"internal/loadtest":     6, // tests: clients, keys and a put workload for the engine's and the kinds' tests
	// Rendering, comparison and merging of results.
	"reports": 7,
	// The plans of phases that bench and run execute.
	"runner": 8,
	// Commands and developer tools.
	"cmd/etcdtune":      9,
	"internal/benchrun": 9,
	// .ci/run's question: is the control plane of the tests built?
	"internal/k8stest/k8scached": 9,
}

// Edge is one import: From imports To (paths below Module).
type Edge struct{ From, To string }

// Check returns one line per import that breaks the layering, and per
// package that has no layer, sorted.
func Check(edges []Edge) []string {
	var bad []string
	seen := map[string]bool{}
	unknown := func(p string) {
		if _, ok := Of[p]; !ok && !seen[p] {
			seen[p] = true
			bad = append(bad, fmt.Sprintf("%s has no layer in internal/layers", p))
		}
	}
	for _, e := range edges {
		unknown(e.From)
		unknown(e.To)
		lf, okf := Of[e.From]
		lt, okt := Of[e.To]
		if okf && okt && lt >= lf {
			bad = append(bad, fmt.Sprintf("%s (layer %d) imports %s (layer %d): a package imports only lower layers", e.From, lf, e.To, lt))
		}
	}
	sort.Strings(bad)
	return bad
}

// Internal turns a full import path into its path below Module; ok is false
// for a path outside the module.
func Internal(path string) (string, bool) {
	if path == Module {
		return "", true
	}
	rest, ok := strings.CutPrefix(path, Module+"/")
	return rest, ok
}
