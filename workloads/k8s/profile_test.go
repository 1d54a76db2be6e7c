package k8s

import (
	"testing"
	"time"
)

// Object sizes follow the profile's bands: every size within its
// resource's range, and each band's share of the objects close to the
// profile's (the sizes are a fixed function of the seed, so this is exact
// for a given seed, not a flaky sample).
func TestK8sObjectSizesFollowBands(t *testing.T) {
	o := Options{Prefix: "/p/", Nodes: 1, PodsPerNode: 1, ListLimit: 500, ListEvery: time.Minute, MaxObjectSize: MaxObjectSize, Seed: 7}
	const n = 20000
	for r, res := range resources {
		lo, hi := o.SizeRange(res.name)
		inBand := make([]int, len(res.sizes))
		for i := range uint64(n) {
			size := o.objectSize(r, i)
			if size < lo || size > hi {
				t.Fatalf("%s %d: %d bytes, outside %d..%d", res.name, i, size, lo, hi)
			}
			for b, band := range res.sizes {
				if size >= band.min && size < band.max || b == len(res.sizes)-1 && size == band.max {
					inBand[b]++
					break
				}
			}
		}
		for b, band := range res.sizes {
			if got := float64(inBand[b]) / n; got < band.share*0.8 || got > band.share*1.2 {
				t.Errorf("%s: %.4f of the objects in %d..%d bytes, want about %.2f", res.name, got, band.min, band.max, band.share)
			}
		}
	}
	if lo, hi := o.SizeRange("pods"); lo < 2<<10 || hi > 8<<10 {
		t.Errorf("pods are %d..%d bytes, want several KiB", lo, hi)
	}
}
