package probes

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/etcdtune/etcdtune/result"
)

// fioOutput is the part of fio's --output-format=json that the etcd check
// reads: per job, the write rate and the fdatasync latencies (sync.lat_ns,
// in nanoseconds, percentiles keyed "99.000000").
type fioOutput struct {
	Version string `json:"fio version"`
	Jobs    []struct {
		Name  string `json:"jobname"`
		Error int    `json:"error"`
		Write struct {
			IOBytes  int64   `json:"io_bytes"`
			IOPS     float64 `json:"iops"`
			TotalIOs int64   `json:"total_ios"`
			Runtime  int64   `json:"runtime"` // ms
		} `json:"write"`
		Sync struct {
			Lat struct {
				Min        float64            `json:"min"`
				Max        float64            `json:"max"`
				Mean       float64            `json:"mean"`
				N          int64              `json:"N"`
				Percentile map[string]float64 `json:"percentile"`
			} `json:"lat_ns"`
		} `json:"sync"`
	} `json:"jobs"`
}

// ParseFioEtcdCheck reads fio's JSON output of the etcd disk check
// (--rw=write --ioengine=sync --fdatasync=1) into the fsync probe's
// finding, so that a fio run and a native run compare field by field.
func ParseFioEtcdCheck(r io.Reader) (*result.Fsync, error) {
	var out fioOutput
	if err := json.NewDecoder(r).Decode(&out); err != nil {
		return nil, fmt.Errorf("fio output: %w", err)
	}
	if len(out.Jobs) == 0 {
		return nil, fmt.Errorf("fio output: no jobs")
	}
	j := out.Jobs[0]
	lat := j.Sync.Lat
	if j.Error != 0 || lat.N == 0 {
		return nil, fmt.Errorf("fio output: job %q has error %d and %d fdatasync samples; was it run with --fdatasync=1?", j.Name, j.Error, lat.N)
	}
	pct := func(key string) (float64, error) {
		v, ok := lat.Percentile[key]
		if !ok {
			return 0, fmt.Errorf("fio output: no fdatasync percentile %s", key)
		}
		return v / 1e6, nil
	}
	f := &result.Fsync{Pattern: "fio", TotalBytes: j.Write.IOBytes, Samples: lat.N, IOPS: j.Write.IOPS,
		DurationS: float64(j.Write.Runtime) / 1000, LatencyMs: result.LatencyMs{Mean: lat.Mean / 1e6, Max: lat.Max / 1e6}}
	if j.Write.TotalIOs > 0 {
		f.BlockBytes = int(j.Write.IOBytes / j.Write.TotalIOs)
	}
	var err error
	for _, p := range []struct {
		key string
		to  *float64
	}{{"50.000000", &f.P50}, {"90.000000", &f.P90}, {"99.000000", &f.P99}, {"99.900000", &f.P999}} {
		if *p.to, err = pct(p.key); err != nil {
			return nil, err
		}
	}
	return f, nil
}
