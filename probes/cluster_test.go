package probes

import (
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// TestClusterWindowSeesLeaderChange stops the leader process 3 s into a
// 10 s metrics window: the old leader's page is gone after the window, and
// the members left have seen a leader change and have a leader again.
func TestClusterWindowSeesLeaderChange(t *testing.T) {
	t.Parallel()
	c := etcdtest.ProcessCluster(t, 3)
	tg := openTarget(t, c.Endpoints()...)
	var metrics []string
	for _, m := range c.Members() {
		metrics = append(metrics, m.MetricsURL())
	}
	leader, err := c.Leader(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() {
		time.Sleep(3 * time.Second)
		stopped <- leader.Stop()
	}()
	res, err := Cluster(t.Context(), tg, ClusterOptions{Window: 10 * time.Second, MetricsURLs: metrics, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}

	leaders := 0
	for _, m := range res.Members {
		if m.IsLeader {
			leaders++
		}
		if m.Version == "" || m.RaftTerm == 0 || m.DBSizeBytes == 0 || m.Healthy == nil || !*m.Healthy {
			t.Errorf("member before the window: %+v", m)
		}
	}
	if len(res.Members) != 3 || leaders != 1 || res.Leader == "" {
		t.Errorf("%d members, %d leaders, leader %q: want 3, 1", len(res.Members), leaders, res.Leader)
	}
	changes := 0.0
	for _, mm := range res.Window.Members {
		t.Logf("%s (%s): error %q leader changes %v has leader %v", mm.ID, mm.MetricsURL, mm.Error, mm.LeaderChanges, mm.HasLeader)
		if mm.MetricsURL == leader.MetricsURL() {
			if mm.Error == "" {
				t.Errorf("stopped leader %s still scraped after the window", mm.ID)
			}
			continue
		}
		if mm.Error != "" || !mm.HasLeader {
			t.Errorf("surviving member %s: error %q, has leader %v", mm.ID, mm.Error, mm.HasLeader)
		}
		changes += mm.LeaderChanges
	}
	if changes < 2 {
		t.Errorf("the 2 surviving members saw %v leader changes in the window, want at least one each", changes)
	}
}

func TestClusterRejectsZeroWindow(t *testing.T) {
	if err := (ClusterOptions{}).Validate(); err == nil {
		t.Error("a window of zero accepted")
	}
}
