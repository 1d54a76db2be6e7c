package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/internal/netdelay"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

// e2eOneWay is the delay each peer proxy adds in each direction. Member A
// dials B's advertised peer URL, which is B's proxy, so a peer round trip
// gains 2 x 50 ms; so does a GET from the test to that URL.
const e2eOneWay = 50 * time.Millisecond

// TestAdviseFixesTimingsBelowTheRoundTrip is issue 5's proof on real etcd
// processes. Three members talk through proxies adding 50 ms each way
// (100 ms round trips). With a 10 ms heartbeat and a 50 ms election
// timeout, half the round trip, they cannot hold a leader. probe rtt and
// advise, given only the peer URLs (the client ports of a member without a
// leader serve nothing), time GET /raft/probing through the proxies and
// advise the timing; restarted with those flags, the same members behind
// the same proxies elect a leader and keep it through 20 s of put load.
func TestAdviseFixesTimingsBelowTheRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd processes and runs 20 s of load; skipped with -short")
	}
	t0 := time.Now()
	c, peers := proxiedCluster(t)
	t.Logf("cluster formed through the proxies in %v", time.Since(t0).Round(time.Millisecond))

	// 1. Timings below the round trip: no leader, or one that keeps changing.
	formed := leaderState(t, c)
	restartWith(t, c, "--heartbeat-interval=10", "--election-timeout=50")
	tight := watchLeadership(t, c, 6*time.Second)
	t.Logf("heartbeat 10 ms / election 50 ms for 6 s: %d of %d samples saw a leader (%d metrics pages answered), leader changes seen %.0f",
		tight.withLeader, tight.samples, tight.answered, tight.changes)
	if tight.withLeader > 0 && tight.changes < 3 {
		t.Fatalf("with an election timeout of half the round trip the cluster held a leader (%d of %d samples, %.0f changes)",
			tight.withLeader, tight.samples, tight.changes)
	}

	// 2. The round trip, where it can be measured: the peer endpoints.
	injected := 2 * float64(e2eOneWay) / float64(time.Millisecond)
	checkPeerRTT(t, peers, injected)

	// 3. advise from the peer endpoints alone (it measures them again).
	flags := advisedTimings(t, peers)
	hb, el := flagValue(t, flags, "--heartbeat-interval"), flagValue(t, flags, "--election-timeout")
	if float64(hb) < injected || float64(el) < 10*injected || el < 5*hb {
		t.Errorf("advised %d/%d ms for a %.0f ms round trip: below etcd's rules", hb, el, injected)
	}

	// 4. The same members, behind the same proxies, with the advised flags.
	restartWith(t, c, flags...)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatalf("with the advised %v the cluster did not elect a leader: %v", flags, err)
	}
	before := leaderState(t, c)
	load := etcdtune(t, nil, "bench", "put", "--endpoints", strings.Join(c.Endpoints(), ","),
		"--duration", "20s", "--clients", "16", "--conns", "3", "-o", "json")
	if load.code != 0 {
		t.Fatalf("bench put: exit %d, %s", load.code, load.stderr)
	}
	after := leaderState(t, c)
	res, err := result.Read(strings.NewReader(load.stdout))
	if err != nil || len(res.Workloads) != 1 {
		t.Fatalf("bench put result: %v", err)
	}
	w := res.Workloads[0]
	t.Logf("raft term %d when the cluster formed, %d once it elected with the advised flags (failed elections in between)", formed.term, before.term)
	t.Logf("advised %v: 20 s of puts, %d ok, %d errors %v, p99 %.1f ms; leader changes seen per member %v before the load, %v after; term %d -> %d",
		flags, w.Ops, w.Errors, w.ErrorKinds, w.LatencyMs.P99, before.changes, after.changes, before.term, after.term)
	for i := range before.changes {
		if after.changes[i] != before.changes[i] {
			t.Errorf("member %d saw %.0f leader changes during the load", i, after.changes[i]-before.changes[i])
		}
	}
	if after.term != before.term || w.Ops == 0 || w.ErrorKinds["no_leader"]+w.ErrorKinds["leader_changed"] > 0 {
		t.Errorf("leadership moved during the load: term %d -> %d, %d ops, errors %v", before.term, after.term, w.Ops, w.ErrorKinds)
	}
	t.Logf("took %v", time.Since(t0).Round(time.Second))
}

// proxiedCluster starts three etcd processes whose advertised peer URLs are
// proxies adding e2eOneWay each way, with loose timings so that the cluster
// forms (the helper waits for a leader); it returns the peer URLs too.
func proxiedCluster(t *testing.T) (*localetcd.ProcessCluster, string) {
	t.Helper()
	peerURLs := make([]string, 3)
	c := etcdtest.ProcessClusterWithConfig(t, localetcd.ProcessClusterConfig{Size: 3,
		ExtraArgs: []string{"--heartbeat-interval=100", "--election-timeout=1000"},
		AdvertisePeerURL: func(i int, listen string) (string, error) {
			p, err := netdelay.Start(strings.TrimPrefix(listen, "http://"), e2eOneWay)
			if err != nil {
				return "", err
			}
			t.Cleanup(func() { p.Close() })
			peerURLs[i] = p.URL()
			return p.URL(), nil
		}})
	return c, strings.Join(peerURLs, ",")
}

// checkPeerRTT runs probe rtt on the peer URLs alone: one row per peer,
// each near the injected round trip and timed on /raft/probing.
func checkPeerRTT(t *testing.T, peers string, injected float64) {
	t.Helper()
	var rtt result.RTT
	runFinding(t, &rtt, "probe", "rtt", "--peer-urls", peers, "--peer-samples", "20", "-o", "json")
	if len(rtt.Peers) != 3 || len(rtt.Members) != 0 {
		t.Fatalf("probe rtt --peer-urls: %d peer rows and %d client rows, want 3 and 0", len(rtt.Peers), len(rtt.Members))
	}
	for _, p := range rtt.Peers {
		t.Logf("measured RTT to %s: mean %.1f ms, p99 %.1f ms over %d GETs (%s)", p.To, p.MeanMs, p.P99.Ms, p.Observations, p.Source)
		if p.MeanMs < injected*0.95 || p.MeanMs > injected*2.5 || !strings.Contains(p.Source, probes.ProbingPath) {
			t.Errorf("peer %s: mean %.1f ms through proxies adding %.0f ms (source %q)", p.To, p.MeanMs, injected, p.Source)
		}
	}
}

// advisedTimings runs advise on the peer URLs alone (it measures them
// again) and returns the etcd flags it sets, as -o flags prints them: the
// two timing flags.
func advisedTimings(t *testing.T, peers string) []string {
	t.Helper()
	var advice []result.Advice
	runFinding(t, &advice, "advise", "--peer-urls", peers, "--peer-samples", "20", "--current",
		"heartbeat-interval=10,election-timeout=50", "-o", "json")
	var flags []string
	for _, a := range advice {
		if a.Scope == result.ScopeEtcd && a.Action == result.ActionSet { // what -o flags prints
			flags = append(flags, a.Setting+"="+a.Value)
			t.Logf("advised %s=%s: %s", a.Setting, a.Value, a.Reason)
		}
	}
	if len(flags) != 2 {
		t.Fatalf("advise: %v, want the two timing flags set", flags)
	}
	return flags
}

// restartWith stops every member at once (one by one, each could wait out
// a leaderless shutdown) and starts them again with flags added.
func restartWith(t *testing.T, c *localetcd.ProcessCluster, flags ...string) {
	t.Helper()
	var wg sync.WaitGroup
	for _, m := range c.Members() {
		wg.Go(func() {
			if err := m.Stop(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := c.StartStopped(flags...); err != nil {
		t.Fatal(err)
	}
}

// leadership is what sampling the members saw.
type leadership struct {
	samples, answered, withLeader int
	changes                       float64 // the most leader changes any member has seen
}

// watchLeadership samples, every 300 ms, every member's Status (client
// port) and its leader gauge and leader-change counter (metrics port), all
// members at once and each call under a short timeout: a member that never
// had a leader answers neither, which counts as no leader.
func watchLeadership(t *testing.T, c *localetcd.ProcessCluster, d time.Duration) leadership {
	t.Helper()
	cli := statusClient(t, c)
	hc := &http.Client{Timeout: time.Second}
	var l leadership
	var mu sync.Mutex
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(300 * time.Millisecond) {
		leader := false
		var wg sync.WaitGroup
		for _, m := range c.Members() {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
				defer cancel()
				s, err := cli.Status(ctx, m.Endpoint())
				mt, merr := probes.Scrape(ctx, hc, m.MetricsURL())
				mu.Lock()
				defer mu.Unlock()
				leader = leader || (err == nil && s.Leader != 0)
				if merr == nil {
					l.answered++
					v, _ := mt.Value("etcd_server_has_leader")
					n, _ := mt.Value("etcd_server_leader_changes_seen_total")
					leader, l.changes = leader || v == 1, max(l.changes, n)
				}
			})
		}
		wg.Wait()
		l.samples++
		if leader {
			l.withLeader++
		}
		if !allRunning(c) {
			t.Fatal("a member exited: the timing flags were refused, not merely too tight")
		}
	}
	return l
}

func allRunning(c *localetcd.ProcessCluster) bool {
	for _, m := range c.Members() {
		if !m.Running() {
			return false
		}
	}
	return true
}

func statusClient(t *testing.T, c *localetcd.ProcessCluster) *clientv3.Client {
	t.Helper()
	cli := etcdtest.Client(t, c.Endpoints()...)
	return cli
}

// leaderSnapshot is each member's leader-change counter and the raft term.
type leaderSnapshot struct {
	changes []float64
	term    uint64
}

func leaderState(t *testing.T, c *localetcd.ProcessCluster) leaderSnapshot {
	t.Helper()
	cli := statusClient(t, c)
	hc := &http.Client{Timeout: 5 * time.Second}
	var s leaderSnapshot
	for _, m := range c.Members() {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		mt, err := probes.Scrape(ctx, hc, m.MetricsURL())
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		n, _ := mt.Value("etcd_server_leader_changes_seen_total")
		s.changes = append(s.changes, n)
		st, err := cli.Status(ctx, m.Endpoint())
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		s.term = max(s.term, st.RaftTerm)
	}
	return s
}

// flagValue is the whole-number value of --name=value among flags.
func flagValue(t *testing.T, flags []string, name string) int {
	t.Helper()
	for _, f := range flags {
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in %v", name, flags)
	return 0
}
