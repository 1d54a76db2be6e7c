package probes

import (
	"os"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

// The fixture is real fio output of the etcd check on a virtio disk.
func TestParseFioEtcdCheckFixture(t *testing.T) {
	f, err := os.Open("testdata/fio-etcd-check.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ParseFioEtcdCheck(f)
	if err != nil {
		t.Fatal(err)
	}
	want := result.Fsync{Pattern: "fio", BlockBytes: 2300, TotalBytes: 23066700, Samples: 10029,
		LatencyMs: result.LatencyMs{P50: 0.162816, P90: 0.191488, P99: 0.296960, P999: 0.897024, Max: 1.135862}}
	if got.BlockBytes != want.BlockBytes || got.TotalBytes != want.TotalBytes || got.Samples != want.Samples ||
		got.P50 != want.P50 || got.P90 != want.P90 || got.P99 != want.P99 ||
		got.P999 != want.P999 || got.Max != want.Max {
		t.Errorf("got %+v\nwant %+v", *got, want)
	}
	if got.IOPS < 6233 || got.IOPS > 6234 {
		t.Errorf("IOPS %v, want 6233.06", got.IOPS)
	}
}

func TestParseFioEtcdCheckRejects(t *testing.T) {
	cases := map[string]string{
		"not json":     `fio: failed`,
		"no jobs":      `{"jobs": []}`,
		"no fdatasync": `{"jobs": [{"jobname": "x", "sync": {"lat_ns": {"N": 0}}}]}`,
		"no p99":       `{"jobs": [{"jobname": "x", "sync": {"lat_ns": {"N": 5, "percentile": {"50.000000": 1}}}}]}`,
	}
	for name, in := range cases {
		if _, err := ParseFioEtcdCheck(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
