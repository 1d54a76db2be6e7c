package engine

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"github.com/etcdtune/etcdtune/result"
)

func TestRecorderTotalsAndSeries(t *testing.T) {
	r := NewRecorder([]string{"put", "range"}, true)
	// 1000 puts of 1..1000 ms across workers, 10 ranges, 3 errors.
	for i := 1; i <= 1000; i++ {
		d := time.Duration(i) * time.Millisecond
		r.Record(i, 0, d, d/2, nil)
	}
	for i := 0; i < 10; i++ {
		r.Record(i, 1, time.Millisecond, time.Millisecond, nil)
	}
	r.Record(0, 0, 0, 0, rpctypes.ErrGRPCNoSpace)
	r.Record(1, 0, 0, 0, rpctypes.ErrGRPCNoSpace)
	r.Record(2, 1, 0, 0, errors.New("boom"))
	r.RecordWarmup(3, nil)
	r.Tick(1)
	r.Record(5, 0, 90*time.Second, time.Second, nil) // clamped to 60 s
	r.Tick(2)

	tot := r.Totals()
	if tot.Ops != 1011 || tot.Errors != 3 || tot.WarmupOps != 1 || tot.Clamped != 1 {
		t.Fatalf("ops %d errors %d warmup %d clamped %d", tot.Ops, tot.Errors, tot.WarmupOps, tot.Clamped)
	}
	if tot.ErrorKinds["nospace"] != 2 || tot.ErrorKinds["other"] != 1 {
		t.Errorf("error kinds %v", tot.ErrorKinds)
	}
	put := result.Summarize(tot.Kinds[0].Latency)
	if !near(put.P50, 500) || !near(put.P99, 990) || put.Max < 59_900 {
		t.Errorf("put latency %+v", put)
	}
	svc := result.Summarize(tot.Kinds[0].Service)
	if !near(svc.P50, 250) {
		t.Errorf("put service p50 %v, want about 250", svc.P50)
	}
	s := r.Series()
	if len(s) != 2 || s[0].Ops != 1010 || s[0].Errors != 3 || s[1].Ops != 1 {
		t.Fatalf("series %+v", s)
	}
	if math.Abs(s[0].P99Ms-980) > 15 || s[1].MaxMs < 59_900 {
		t.Errorf("series percentiles %+v", s)
	}
}

// Concurrent workers and the clock must not lose a count.
func TestRecorderConcurrent(t *testing.T) {
	r := NewRecorder([]string{"put"}, false)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10000; i++ {
				r.Record(w, 0, time.Millisecond, time.Millisecond, nil)
			}
		}()
	}
	for i := 1; i <= 20; i++ {
		r.Tick(i)
	}
	wg.Wait()
	r.Tick(21)
	var inSeries int64
	for _, p := range r.Series() {
		inSeries += p.Ops
	}
	if tot := r.Totals(); tot.Ops != 160000 || inSeries != 160000 {
		t.Fatalf("totals %d, series %d, want 160000", tot.Ops, inSeries)
	}
}

// near is true when got is within 1% of want: the histograms keep 3
// significant digits.
func near(got, want float64) bool { return math.Abs(got-want) <= want/100 }

func TestEncodeHistogramRoundTrip(t *testing.T) {
	h := result.NewHistogram()
	for i := int64(1); i <= 1000; i++ {
		h.RecordValue(i * 100)
	}
	back, err := hdr.Decode([]byte(result.EncodeHistogram(h)))
	if err != nil {
		t.Fatal(err)
	}
	if back.TotalCount() != 1000 || back.ValueAtPercentile(99) != h.ValueAtPercentile(99) {
		t.Fatalf("decoded count %d p99 %d", back.TotalCount(), back.ValueAtPercentile(99))
	}
}

// BenchmarkRecorderRecord is the cost of recording one request: the target
// is no allocation.
func BenchmarkRecorderRecord(b *testing.B) {
	for _, open := range []bool{false, true} {
		name := "closed"
		if open {
			name = "open"
		}
		b.Run(name, func(b *testing.B) {
			r := NewRecorder([]string{"put"}, open)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				d := time.Duration(100+i%5000) * time.Microsecond
				r.Record(i, 0, d, d, nil)
				i++
			}
		})
	}
}

// BenchmarkRecorderRecordParallel records from all cores at once, as the
// workers do.
func BenchmarkRecorderRecordParallel(b *testing.B) {
	r := NewRecorder([]string{"put"}, true)
	b.ReportAllocs()
	var id int
	var mu sync.Mutex
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		w := id
		id++
		mu.Unlock()
		i := 0
		for pb.Next() {
			d := time.Duration(100+i%5000) * time.Microsecond
			r.Record(w, 0, d, d, nil)
			i++
		}
	})
}

// A malformed histogram in a result file is an error, not a crash.
func TestDecodeHistogramRefusesMalformed(t *testing.T) {
	for _, enc := range []string{"", "AAAA", "not base64!", "HISTFAAAACR42pNpmSzMwMDAxAABzFCaEUzIXJ0="[:12]} {
		if _, err := result.DecodeHistogram(enc); err == nil {
			t.Errorf("DecodeHistogram(%q) gave no error", enc)
		}
	}
}
