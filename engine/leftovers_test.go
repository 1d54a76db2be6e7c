package engine

import "testing"

// Only keys of etcdtune's shapes are leftovers; the owner is the sub-prefix
// whose hash marks their leases.
func TestShapeOf(t *testing.T) {
	cases := []struct{ rest, shape, owner string }{
		{"00000042", ShapeKeys, ""},
		{"7", ShapeKeys, ""},
		{"registry/pods/ns-1/pod-3", ShapeK8s + "pods", ""},
		{"agent-2/00000001", ShapeAgent, "agent-2/"},
		{"agent-2/registry/events/ns/e-1", ShapeAgent, "agent-2/"},
		{"barrier/1/0", ShapeBarrier, "barrier/1/"},
		{"barrier/2/result/1/000000", ShapeResult, "barrier/2/"},
		{"barrier/2/result/1/complete", ShapeResult, "barrier/2/"},
		{"capacity-settle", ShapeProbe, ""},
		{"after-recovery", ShapeProbe, ""},
		{"", "", ""}, {"users/alice", "", ""}, {"00000042x", "", ""}, {"registry", "", ""}, {"registry/", "", ""},
		{"agent-x/00000001", "", ""}, {"agent-1/notes", "", ""}, {"agent-1/agent-2/1", "", ""}, {"barrier/1/x", "", ""},
		{"barrier/1/result/x/000000", "", ""}, {"barrier/1/result/1/other", "", ""}, {"barrier/1/result/1", "", ""}, {"barrier/x/result/1/complete", "", ""},
	}
	for _, c := range cases {
		if s, o := shapeOf(c.rest); s != c.shape || o != c.owner {
			t.Errorf("%q: shape %q owner %q, want %q %q", c.rest, s, o, c.shape, c.owner)
		}
	}
}
