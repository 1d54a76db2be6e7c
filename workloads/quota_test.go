package workloads_test

import (
	"strings"
	"testing"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/internal/loadtest"
	"github.com/etcdtune/etcdtune/localetcd"
	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
	"github.com/etcdtune/etcdtune/workloads"
)

// The quota scenario on an embedded etcd with an 8 MiB quota: the alarm is
// reached, the recovery completes, writes go through again, the prefix is
// empty and a key outside it is untouched.
func TestQuotaScenarioRecovers(t *testing.T) {
	e := etcdtest.EmbeddedWithConfig(t, localetcd.EmbeddedConfig{QuotaBackendBytes: 8 << 20})
	c := loadtest.Clients(t, 1, e.Endpoints())[0]
	if _, err := c.Put(t.Context(), "/outside", "kept"); err != nil {
		t.Fatal(err)
	}
	st, err := workloads.RunQuota(t.Context(), c, e.Endpoints(), workloads.QuotaOptions{
		Prefix: "/etcdtune/", ValSize: 64 << 10, Keys: 8, Clients: 4, Timeout: time.Minute, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("%v (%+v)", err, st)
	}
	t.Logf("fill %.2fs (%d puts, db %d MB), compact %.3fs, defrag %v, disarm %.3fs, recovery %.3fs, db after %d MB, write after %.1f ms",
		st.FillS, st.Puts, st.DBSizeAtAlarm>>20, st.CompactS, st.DefragS, st.DisarmS, st.RecoveryS, st.DBSizeAfter>>20, st.FirstWriteAfterMs)
	if len(st.Alarms) == 0 || !strings.Contains(st.Alarms[0], "NOSPACE") {
		t.Errorf("alarms at the fill's end: %v", st.Alarms)
	}
	if st.FillS <= 0 || st.RecoveryS <= 0 || len(st.DefragS) != 1 || st.DBSizeAfter >= st.DBSizeAtAlarm || !st.PrefixEmpty {
		t.Errorf("stats %+v", st)
	}
	if a, err := c.AlarmList(t.Context()); err != nil || len(a.Alarms) != 0 {
		t.Errorf("alarms left: %v %v", a, err)
	}
	if r, err := c.Get(t.Context(), "/outside"); err != nil || len(r.Kvs) != 1 || string(r.Kvs[0].Value) != "kept" {
		t.Errorf("key outside the prefix: %v %v", r, err)
	}
}

// The guard's preflight refuses a cluster with an active alarm.
func TestGuardPreflightRefusesAlarm(t *testing.T) {
	e := etcdtest.Embedded(t)
	c := loadtest.Clients(t, 1, e.Endpoints())[0]
	g := engine.NewGuard(c, e.Endpoints(), engine.DefaultGuardLimits)
	if err := g.Preflight(t.Context()); err != nil {
		t.Fatalf("healthy: %v", err)
	}
	st, err := c.Status(t.Context(), e.Endpoints()[0])
	if err != nil {
		t.Fatal(err)
	}
	m := pb.NewMaintenanceClient(c.ActiveConnection())
	a := &pb.AlarmRequest{Action: pb.AlarmRequest_ACTIVATE, MemberID: st.Header.MemberId, Alarm: pb.AlarmType_NOSPACE}
	if _, err := m.Alarm(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	err = g.Preflight(t.Context())
	if err == nil || !strings.Contains(err.Error(), "NOSPACE") {
		t.Errorf("preflight with NOSPACE raised: %v", err)
	}
	c.AlarmDisarm(t.Context(), &clientv3.AlarmMember{MemberID: st.Header.MemberId, Alarm: pb.AlarmType_NOSPACE})
}
