package probes

import (
	"context"
	"errors"
	"fmt"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
)

// rttWarmup requests are sent first and not timed: they set up the
// connection (TCP, TLS, HTTP/2, an auth token), which is not a round trip.
const rttWarmup = 3

// Latency is a distribution of latencies in milliseconds.
type Latency struct {
	MinMs  float64 `json:"min_ms"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// latencyOf summarises h (microseconds) in milliseconds.
func latencyOf(h *hdr.Histogram) Latency {
	s := engine.Summarize(h)
	return Latency{MinMs: s.Min, MeanMs: s.Mean, P50Ms: s.P50, P90Ms: s.P90, P99Ms: s.P99, MaxMs: s.Max}
}

// memberRTT times cfg.Samples Status calls to ep, one after the other, on
// one connection to ep alone.
func memberRTT(ctx context.Context, t *etcdconn.Target, ep string, cfg RTTConfig) (MemberRTT, error) {
	c, err := t.DialEndpoint(ctx, ep)
	if err != nil {
		return MemberRTT{}, err
	}
	defer c.Close()
	mc := pb.NewMaintenanceClient(c.ActiveConnection())
	status := func() error {
		cctx, cancel := withTimeout(ctx, cfg.RequestTimeout)
		defer cancel()
		_, err := mc.Status(cctx, &pb.StatusRequest{})
		return err
	}
	for range rttWarmup {
		if err := status(); err != nil {
			if ctx.Err() != nil {
				return MemberRTT{}, ctx.Err()
			}
			return MemberRTT{}, etcdconn.Unreachable(fmt.Sprintf("etcd at %s does not answer", ep), errors.New(rpctypes.ErrorDesc(err)))
		}
	}
	h := newLatencyHistogram()
	m := MemberRTT{Endpoint: ep, Samples: cfg.Samples}
	for range cfg.Samples {
		start := time.Now()
		if err := status(); err != nil {
			if ctx.Err() != nil {
				return MemberRTT{}, ctx.Err()
			}
			m.Errors++
			continue
		}
		recordMicros(h, time.Since(start))
	}
	m.Latency = latencyOf(h)
	return m, nil
}

// withTimeout is context.WithTimeout, with 0 meaning none.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
