package probes

import (
	"context"
	"errors"
	"fmt"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/result"
)

// rttWarmup requests are sent first and not timed: they set up the
// connection (TCP, TLS, HTTP/2, an auth token), which is not a round trip.
const rttWarmup = 3

// latencyOf summarises h (microseconds) in milliseconds, as the probes
// write latencies.
func latencyOf(h *hdr.Histogram) result.LatencyMs { return result.LatencyMs(result.Summarize(h)) }

// memberRTT times cfg.Samples Status calls to ep, one after the other, on
// one connection to ep alone.
func memberRTT(ctx context.Context, t *etcdconn.Target, ep string, cfg RTTOptions) (result.MemberRTT, error) {
	c, err := t.DialEndpoint(ctx, ep)
	if err != nil {
		return result.MemberRTT{}, err
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
				return result.MemberRTT{}, ctx.Err()
			}
			return result.MemberRTT{}, etcdconn.Unreachable(fmt.Sprintf("etcd at %s does not answer", ep), errors.New(rpctypes.ErrorDesc(err)))
		}
	}
	h := result.NewHistogram()
	m := result.MemberRTT{Endpoint: ep, Samples: cfg.Samples}
	for range cfg.Samples {
		start := time.Now()
		if err := status(); err != nil {
			if ctx.Err() != nil {
				return result.MemberRTT{}, ctx.Err()
			}
			m.Errors++
			continue
		}
		recordMicros(h, time.Since(start))
	}
	m.LatencyMs = latencyOf(h)
	return m, nil
}

// withTimeout is context.WithTimeout, with 0 meaning none.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
