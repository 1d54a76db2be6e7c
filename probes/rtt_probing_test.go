package probes

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// TestProbePeerURLsThroughProxy times /raft/probing on a real member's peer
// port, directly and through a proxy adding 10 ms each way: the proxied
// mean is the injected 20 ms within 50% + 2 ms (generous: a loaded machine
// adds scheduling delay to every GET; a missing or doubled delay still
// fails), the direct one well under.
func TestProbePeerURLsThroughProxy(t *testing.T) {
	t.Parallel()
	var peer string
	etcdtest.ProcessClusterWithConfig(t, localetcd.ProcessClusterConfig{Size: 1,
		AdvertisePeerURL: func(_ int, listen string) (string, error) { peer = listen; return listen, nil }})
	proxied := startProxy(t, peer).URL()
	rows, err := timePeerURLs(t.Context(), []string{peer, proxied + "/"}, PeerOptions{Samples: 30, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	injected := float64(2*oneWay) / float64(time.Millisecond)
	direct, delayed := rows[0], rows[1]
	t.Logf("GET %s: direct mean %.2f ms p99 %.2f; proxied mean %.2f ms p99 %.2f (injected %.0f ms)",
		ProbingPath, direct.MeanMs, direct.P99.Ms, delayed.MeanMs, delayed.P99.Ms, injected)
	if d := delayed.MeanMs - injected; d < -(0.5*injected+2) || d > 0.5*injected+2 {
		t.Errorf("proxied mean %.2f ms, want %.0f ms within 50%% + 2 ms", delayed.MeanMs, injected)
	}
	if direct.MeanMs > injected/2 {
		t.Errorf("direct mean %.2f ms: the delay leaked", direct.MeanMs)
	}
	if delayed.Observations != 30 || delayed.To != proxied || delayed.From != ProbingFrom || !strings.Contains(delayed.Source, ProbingPath) {
		t.Errorf("row %+v", delayed)
	}
}

// A URL that answers but is not an etcd peer, or does not answer, is the
// target's fault; a malformed URL or sample count is the caller's.
func TestProbePeerURLsErrors(t *testing.T) {
	t.Parallel()
	notEtcd := httptest.NewServer(http.NotFoundHandler())
	defer notEtcd.Close()
	cfg := PeerOptions{Samples: 2, RequestTimeout: time.Second}
	for _, u := range []string{notEtcd.URL, "http://127.0.0.1:1"} {
		_, err := timePeerURLs(t.Context(), []string{u}, cfg)
		if !fault.Is(err, fault.Unusable) || !strings.Contains(err.Error(), u+ProbingPath) {
			t.Errorf("%s: %v, want an unreachable error naming the URL", u, err)
		}
	}
	for _, c := range []struct {
		urls    []string
		samples int
	}{{[]string{"127.0.0.1:2380"}, 1}, {[]string{"ftp://h:1"}, 1}, {nil, 1}, {[]string{"http://h:1"}, 0}} {
		_, err := timePeerURLs(t.Context(), c.urls, PeerOptions{Samples: c.samples})
		if !fault.Is(err, fault.BadInput) {
			t.Errorf("%v, %d samples: %v, want an input error", c.urls, c.samples, err)
		}
	}
}
