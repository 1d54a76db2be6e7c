package probes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// ProbingPath is the peer endpoint that etcd's own prober times between
// members (rafthttp, every few seconds): it answers {"OK":true,"Now":...}
// from the peer listener, which serves before the member has a leader.
const ProbingPath = "/raft/probing"

// ProbingFrom names the sender of the probing round trips: the host
// etcdtune runs on, not a member.
const ProbingFrom = "this host"

// probingSource is the Source of a peer figure timed here.
const probingSource = "timed GET " + ProbingPath + " on the advertised peer URL, from this host"

// probingNote is the caveat on peer figures timed here.
const probingNote = "peer RTT timed here with GET " + ProbingPath + " on each advertised peer URL (what etcd's own prober sends): " +
	"it works without a leader, and it is a member-to-member round trip only when etcdtune runs on a member's host or as close to it"

// maxPeerSamples bounds --peer-samples: each sample is a full round trip,
// which may be hundreds of milliseconds on a stretched cluster.
const maxPeerSamples = 100_000

// PeerOptions says how to time the peer endpoints.
type PeerOptions struct {
	// Samples is the number of timed GETs to each peer URL.
	Samples int
	// RequestTimeout bounds each GET (0: none; a leaderless member still
	// answers this, but a dead one would hang without it).
	RequestTimeout time.Duration
}

// Validate checks the configuration and the URLs before any request.
func (c PeerOptions) Validate(peerURLs []string) error {
	if c.Samples < 1 || c.Samples > maxPeerSamples {
		return fault.Inputf("--peer-samples must be 1 to %d, got %d", maxPeerSamples, c.Samples)
	}
	if c.RequestTimeout < 0 {
		return fault.Inputf("request timeout must not be negative, got %v", c.RequestTimeout)
	}
	if len(peerURLs) == 0 {
		return fault.Inputf("--peer-urls is empty: give each member's advertised peer URL")
	}
	for _, u := range peerURLs {
		if err := checkPeerURL(u); err != nil {
			return err
		}
	}
	return nil
}

func checkPeerURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fault.Inputf("--peer-urls %q: want a member's advertised peer URL, e.g. http://10.0.0.1:2380", s)
	}
	return nil
}

// timePeerURLs times cfg.Samples GETs of /raft/probing on each peer URL,
// all URLs at once and one GET after another on each, and returns one
// PeerRTT per URL (From is ProbingFrom, To the URL). Unlike RTT it
// needs no client port and no leader: a cluster that cannot elect one
// still serves its peer endpoints, which is where the timing it needs can
// be measured.
func timePeerURLs(ctx context.Context, peerURLs []string, cfg PeerOptions) ([]result.PeerRTT, error) {
	if err := cfg.Validate(peerURLs); err != nil {
		return nil, err
	}
	out := make([]result.PeerRTT, len(peerURLs))
	errs := make([]error, len(peerURLs))
	var wg sync.WaitGroup
	for i, u := range peerURLs {
		wg.Go(func() { out[i], errs[i] = probePeer(ctx, strings.TrimSuffix(u, "/"), cfg) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// probePeer times the GETs to one peer on one kept-alive connection.
func probePeer(ctx context.Context, peerURL string, cfg PeerOptions) (result.PeerRTT, error) {
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	get := func() error { return getProbing(ctx, hc, peerURL+ProbingPath, cfg.RequestTimeout) }
	// The first GET opens the connection (TCP, maybe TLS), which is not a
	// round trip of the kind etcd's heartbeats make: keep it out.
	if err := get(); err != nil {
		return result.PeerRTT{}, etcdconn.Unreachable(fmt.Sprintf("no etcd peer answers at %s", peerURL+ProbingPath), err)
	}
	h := result.NewHistogram()
	for range cfg.Samples {
		start := time.Now()
		if err := get(); err != nil {
			if ctx.Err() != nil {
				return result.PeerRTT{}, ctx.Err()
			}
			continue // counted by the difference between Samples and Observations
		}
		recordMicros(h, time.Since(start))
	}
	if h.TotalCount() == 0 {
		return result.PeerRTT{}, etcdconn.Unreachable(fmt.Sprintf("etcd peer at %s", peerURL), errors.New("every timed GET failed"))
	}
	l := latencyOf(h)
	return result.PeerRTT{From: ProbingFrom, To: peerURL, Observations: uint64(h.TotalCount()), MeanMs: l.Mean,
		P99: result.Quantile{Ms: l.P99, LowerMs: l.P99, UpperMs: l.P99}, Source: probingSource}, nil
}

// probingAnswer is what /raft/probing returns.
type probingAnswer struct {
	OK bool `json:"OK"`
}

// getProbing makes one GET and checks that an etcd peer answered it.
func getProbing(ctx context.Context, hc *http.Client, u string, timeout time.Duration) error {
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return err
	}
	var a probingAnswer
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &a) != nil || !a.OK {
		return fmt.Errorf("not an etcd peer endpoint (HTTP %d)", resp.StatusCode)
	}
	return nil
}

// PeerRTT is the rtt probe's finding when only the peer URLs are
// known: no client round trips, the peer figures timed here.
func PeerRTT(ctx context.Context, peerURLs []string, cfg PeerOptions) (*result.RTT, error) {
	rows, err := timePeerURLs(ctx, peerURLs, cfg)
	if err != nil {
		return nil, err
	}
	r := &result.RTT{Members: []result.MemberRTT{}, Peers: []result.PeerRTT{}}
	AddPeers(r, rows, probingNote)
	return r, nil
}

// AddPeerProbing times the peer URLs and adds their figures to r.
func AddPeerProbing(ctx context.Context, r *result.RTT, peerURLs []string, cfg PeerOptions) error {
	rows, err := timePeerURLs(ctx, peerURLs, cfg)
	if err != nil {
		return err
	}
	AddPeers(r, rows, probingNote)
	return nil
}

// AddPeers appends peer figures, keeps PeerP99Ms the worst of all, and
// adds note to the caveats.
func AddPeers(r *result.RTT, rows []result.PeerRTT, note string) {
	r.Peers = append(r.Peers, rows...)
	for _, p := range rows {
		r.PeerP99Ms = max(r.PeerP99Ms, p.P99.Ms)
	}
	if r.PeerNote == "" {
		r.PeerNote = note
	} else {
		r.PeerNote += "; " + note
	}
}
