package localetcd_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// StartStopped brings stopped members back on the same data with new flags
// (etcd keeps the last of a repeated flag), and WaitReady sees them elect
// a leader and keep the data.
func TestProcessClusterStartStoppedWithNewFlags(t *testing.T) {
	t.Parallel()
	c := etcdtest.ProcessCluster(t, 3)
	cli := etcdtest.Client(t, c.Endpoints()...)
	if _, err := cli.Put(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Members() {
		if err := m.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.StartStopped("--heartbeat-interval=70", "--election-timeout=700"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), failoverTimeout)
	defer cancel()
	if err := c.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Members() {
		cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(m.PID()) + "/cmdline")
		if err != nil {
			t.Skipf("no /proc here to read the flags: %v", err)
		}
		args := strings.Split(string(cmdline), "\x00")
		if last := lastFlag(args, "--election-timeout="); last != "700" {
			t.Errorf("%s runs with --election-timeout=%s last, want 700", m.Name(), last)
		}
	}
	resp, err := cli.Get(ctx, "k")
	if err != nil || len(resp.Kvs) != 1 {
		t.Errorf("the data did not survive the restart: %v", err)
	}
}

// lastFlag is the value of the last --name=value in args (etcd's pick).
func lastFlag(args []string, prefix string) string {
	v := ""
	for _, a := range args {
		if s, ok := strings.CutPrefix(a, prefix); ok {
			v = s
		}
	}
	return v
}
