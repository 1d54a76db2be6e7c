package k8s

import "sort"

// MedianSize is the median size of resource name's objects as the profile
// writes them (over its first 10,001 objects, fixed by the seed), which the
// calibration against a real control plane (cmd/etcdtune's
// TestBenchK8sProfileAgainstARealControlPlane) sets beside the real one.
func (o Options) MedianSize(name string) int {
	for r, res := range resources {
		if res.name == name {
			const n = 10001
			s := make([]int, n)
			for i := range s {
				s[i] = o.objectSize(r, uint64(i))
			}
			sort.Ints(s)
			return s[n/2]
		}
	}
	return 0
}
