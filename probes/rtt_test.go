package probes

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/internal/netdelay"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/result"
)

// oneWay is the delay each proxy adds in each direction: a round trip
// through one proxy gains 2*oneWay = 20 ms.
const oneWay = 10 * time.Millisecond

// startProxy starts a delaying proxy in front of url (http://host:port)
// for the rest of the test.
func startProxy(t *testing.T, url string) *netdelay.Proxy {
	t.Helper()
	p, err := netdelay.Start(strings.TrimPrefix(url, "http://"), oneWay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func openTarget(t *testing.T, endpoints ...string) *etcdconn.Target {
	t.Helper()
	tg, err := etcdconn.Open(t.Context(), etcdconn.Options{Endpoints: endpoints, DialTimeout: 5 * time.Second,
		CommandTimeout: 5 * time.Second, InsecureTransport: true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tg.Close() })
	return tg
}

// TestRTTThroughDelayingProxies puts a proxy adding 10 ms each way (20 ms
// per round trip) in front of member 0's client port and in front of every
// member's peer port (the advertised peer URLs are the proxies), then
// checks that the client round trip to member 0 is 20 ms within 20% + 1 ms,
// that member 1, reached directly, is not slowed, and that etcd's own peer
// round trip lands in the bucket that holds 20 ms. The peer figure needs
// about 65 s: etcd records a smoothed RTT that starts from 0, at 5 s and
// then every 30 s (see peerNote).
func TestRTTThroughDelayingProxies(t *testing.T) {
	t.Parallel()
	c := etcdtest.ProcessClusterWithConfig(t, localetcd.ProcessClusterConfig{Size: 3,
		AdvertisePeerURL: func(_ int, listen string) (string, error) { return startProxy(t, listen).URL(), nil }})
	m0, m1 := c.Members()[0], c.Members()[1]
	tg := openTarget(t, startProxy(t, m0.Endpoint()).URL(), m1.Endpoint())
	metrics := []string{m0.MetricsURL(), m1.MetricsURL()}
	injected := float64(2*oneWay) / float64(time.Millisecond)

	res, err := RTT(t.Context(), tg, RTTOptions{Samples: 200, RequestTimeout: 5 * time.Second, MetricsURLs: metrics})
	if err != nil {
		t.Fatal(err)
	}
	proxied, direct := res.Members[0], res.Members[1]
	t.Logf("client RTT: injected %.1f ms; through the proxy p50 %.2f p99 %.2f max %.2f ms; direct p50 %.2f ms",
		injected, proxied.P50, proxied.P99, proxied.Max, direct.P50)
	if d := proxied.P50 - injected; d < -(0.2*injected+1) || d > 0.2*injected+1 {
		t.Errorf("client RTT p50 %.2f ms through a proxy adding %.0f ms: off by more than 20%% + 1 ms", proxied.P50, injected)
	}
	if direct.P50 > injected/2 || proxied.Errors+direct.Errors > 0 {
		t.Errorf("direct member p50 %.2f ms (errors %d, %d): the delay leaked", direct.P50, proxied.Errors, direct.Errors)
	}

	res = waitPeerObservations(t, tg, metrics, 6)
	for _, p := range res.Peers {
		t.Logf("peer RTT %s->%s: %d observations, mean %.2f ms, p99 %.2f ms in bucket (%.1f, %.1f] ms",
			p.From, p.To, p.Observations, p.MeanMs, p.P99.Ms, p.P99.LowerMs, p.P99.UpperMs)
		if injected <= p.P99.LowerMs || injected > p.P99.UpperMs {
			t.Errorf("peer %s->%s p99 in bucket (%.1f, %.1f] ms, which does not hold the injected %.0f ms",
				p.From, p.To, p.P99.LowerMs, p.P99.UpperMs, injected)
		}
	}
	if len(res.Peers) != 4 {
		t.Errorf("%d peer figures from 2 members of 3, want 4", len(res.Peers))
	}
}

// waitPeerObservations measures until every member has at least n peer
// round trips recorded, or fails after two minutes.
func waitPeerObservations(t *testing.T, tg *etcdconn.Target, metrics []string, n uint64) *result.RTT {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for {
		res, err := RTT(ctx, tg, RTTOptions{Samples: 1, MetricsURLs: metrics})
		if err != nil {
			t.Fatal(err)
		}
		enough := len(res.Peers) > 0
		for _, p := range res.Peers {
			enough = enough && p.Observations >= n
		}
		if enough {
			return res
		}
		select {
		case <-ctx.Done():
			t.Fatalf("fewer than %d peer observations after 2 minutes: %+v", n, res.Peers)
		case <-time.After(2 * time.Second):
		}
	}
}
