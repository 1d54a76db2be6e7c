package advisor

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func peers(mean, p99 float64) []PeerRTT {
	return []PeerRTT{
		{From: "m0", To: "m1", MeanMs: mean, P99Ms: p99, Source: "test"},
		{From: "m0", To: "m2", MeanMs: mean / 2, P99Ms: p99 / 2, Source: "test"},
	}
}

func find(t *testing.T, advice []result.Advice, setting string) result.Advice {
	t.Helper()
	for _, a := range advice {
		if a.Setting == setting {
			return a
		}
	}
	t.Fatalf("no advice for %s in %+v", setting, advice)
	return result.Advice{}
}

// adviceOf is verdicts as the result file stores them.
func adviceOf(verdicts []result.Verdict) []result.Advice {
	var out []result.Advice
	for _, v := range verdicts {
		out = append(out, v.Advice())
	}
	return out
}

func TestTimingRule(t *testing.T) {
	cases := []struct {
		name           string
		f              Findings
		hb, el, action string
		reason         string
	}{
		{"loopback RTT below 1 ms keeps the defaults", Findings{Members: 3, PeerRTT: peers(0.2, 0.8)}, "100", "1000", result.ActionKeep, "0.2 ms"},
		{"50 ms each way", Findings{Members: 3, PeerRTT: peers(100, 110)}, "150", "1100", result.ActionSet, "Standard"},
		{"intercontinental", Findings{Members: 3, PeerRTT: peers(250, 300)}, "380", "3000", result.ActionSet, "Slower"},
		{"slow fsync raises the heartbeat", Findings{Members: 3, PeerRTT: peers(1, 2), FsyncP99Ms: M(80, "probe fsync")}, "160", "1000", result.ActionKeep, "fsync p99 of 80.0 ms"},
		{"RTT past what etcd allows", Findings{Members: 3, PeerRTT: peers(4000, 5100)}, "6000", "50000", result.ActionWarn, "over etcd's limit"},
		{"single member", Findings{Members: 1}, "100", "1000", result.ActionKeep, "no peers"},
		{"not measured", Findings{Members: 3}, "", "", result.ActionNotMeasured, "not measured"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			adv := TimingRule(c.f)
			hb, el := find(t, adv, "--heartbeat-interval"), find(t, adv, "--election-timeout")
			if hb.Value != c.hb || el.Value != c.el {
				t.Errorf("heartbeat %s election %s, want %s %s", hb.Value, el.Value, c.hb, c.el)
			}
			if el.Action != c.action {
				t.Errorf("election action %s, want %s", el.Action, c.action)
			}
			if !strings.Contains(hb.Reason+el.Reason, c.reason) {
				t.Errorf("reasons %q / %q lack %q", hb.Reason, el.Reason, c.reason)
			}
			if c.action == result.ActionNotMeasured || c.action == result.ActionWarn {
				return
			}
			// etcd's own rules: election at least 5x heartbeat, at most 50000.
			var h, e int
			mustAtoi(t, hb.Value, &h)
			mustAtoi(t, el.Value, &e)
			if e < 5*h || e > 50000 {
				t.Errorf("heartbeat %d and election %d break etcd's rules", h, e)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string, v *int) {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not a number", s)
		}
		n = n*10 + int(r-'0')
	}
	*v = n
}

func TestSnapshotCountRule(t *testing.T) {
	cases := []struct {
		name           string
		f              Findings
		count, catchup string
	}{
		{"light writes keep the default", Findings{WriteRateOpsS: M(50, "bench put")}, "10000", "5000"},
		{"heavy writes raise it", Findings{WriteRateOpsS: M(2000, "bench put")}, "60000", "10000"},
		{"very heavy writes stop at 100000", Findings{WriteRateOpsS: M(20000, "bench put")}, "100000", "100000"},
		{"small memory lowers it", Findings{WriteRateOpsS: M(100, "x"), EntryBytes: M(100_000, "x"), MemoryBytes: M(8<<30, "x")}, "1000", "1000"},
		{"not measured", Findings{}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			adv := SnapshotCountRule(c.f)
			sc, ce := find(t, adv, "--snapshot-count"), find(t, adv, "--snapshot-catchup-entries")
			if sc.Value != c.count || ce.Value != c.catchup {
				t.Errorf("snapshot-count %s catchup %s, want %s %s (%s)", sc.Value, ce.Value, c.count, c.catchup, sc.Reason)
			}
			if c.count == "" && sc.Action != result.ActionNotMeasured {
				t.Errorf("action %s without a write rate", sc.Action)
			}
		})
	}
}

func TestQuotaRule(t *testing.T) {
	cases := []struct {
		name   string
		f      Findings
		value  string
		action string
	}{
		{"small db keeps 2 GiB", Findings{DBSizeBytes: M(100<<20, "status")}, "2147483648", result.ActionKeep},
		{"db near its quota", Findings{DBSizeBytes: M(1.9*(1<<30), "status")}, "4294967296", result.ActionSet},
		{"growth counts", Findings{DBSizeBytes: M(200<<20, "s"), DBInUseBytes: M(200<<20, "s"), DBGrowthBytesDay: M(50<<20, "s")}, "4294967296", result.ActionSet},
		{"kubernetes scale", Findings{Nodes: 5000, PodsPerNode: 30}, "3221225472", result.ActionSet},
		{"past 8 GiB warns", Findings{DBSizeBytes: M(6*(1<<30), "s")}, "12884901888", result.ActionWarn},
		{"nothing measured", Findings{}, "", result.ActionNotMeasured},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := QuotaRule(c.f)
			if a.Value != c.value || a.Action != c.action {
				t.Errorf("quota %s (%s), want %s (%s): %s", a.Value, a.Action, c.value, c.action, a.Reason)
			}
		})
	}
}

func TestCompactionAndDefrag(t *testing.T) {
	k8s := CompactionRule(Findings{ForKubernetes: true})
	if r := find(t, k8s, "--auto-compaction-retention"); r.Value != "0" || !strings.Contains(r.Reason, "5 minutes") {
		t.Errorf("under Kubernetes: %+v", r)
	}
	busy := CompactionRule(Findings{WriteRateOpsS: M(500, "x")})
	if r := find(t, busy, "--auto-compaction-retention"); r.Value != "5m" || r.Action != result.ActionSet {
		t.Errorf("busy: %+v", r)
	}
	if r := find(t, CompactionRule(Findings{WriteRateOpsS: M(10, "x")}), "--auto-compaction-retention"); r.Value != "1h" {
		t.Errorf("quiet: %+v", r)
	}

	cases := []struct {
		size, inUse float64
		action      string
	}{
		{1 << 30, 400 << 20, result.ActionWarn},  // 61% free, 624 MiB
		{1 << 30, 600 << 20, result.ActionKeep},  // 41% free: under 45%
		{150 << 20, 50 << 20, result.ActionKeep}, // 67% free but only 100 MiB
	}
	for _, c := range cases {
		a := DefragRule(Findings{DBSizeBytes: M(c.size, "s"), DBInUseBytes: M(c.inUse, "s")})
		if a.Action != c.action {
			t.Errorf("size %.0f in use %.0f: %s, want %s (%s)", c.size, c.inUse, a.Action, c.action, a.Reason)
		}
	}
	if a := DefragRule(Findings{}); a.Action != result.ActionNotMeasured {
		t.Errorf("defrag without sizes: %+v", a)
	}
}

func TestEventsOverrideRule(t *testing.T) {
	cases := []struct {
		name   string
		f      Findings
		action string
		value  string
	}{
		{"no events at all", Findings{EventsShare: M(0, "probe keyspace")}, result.ActionKeep, "(none)"},
		{"events a large share", Findings{EventsShare: M(0.4, "probe keyspace"), EventEndpoints: []string{"https://e1:2379", "https://e2:2379"}}, result.ActionSet, "/events#https://e1:2379;https://e2:2379"},
		{"a large cluster", Findings{Nodes: 1000}, result.ActionSet, "/events#https://etcd-events-0:2379;https://etcd-events-1:2379;https://etcd-events-2:2379"},
		{"small cluster", Findings{Nodes: 20}, result.ActionKeep, "(none)"},
		{"nothing measured", Findings{}, result.ActionNotMeasured, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := EventsOverrideRule(c.f)
			if a.Action != c.action || a.Value != c.value || a.Scope != result.ScopeAPIServer {
				t.Errorf("%s %q (%s), want %s %q", a.Action, a.Value, a.Scope, c.action, c.value)
			}
		})
	}
}

func TestClusterSizeAndBackup(t *testing.T) {
	f := Findings{Members: 3, FsyncP99Ms: M(2, "fsync"), MemberCommitMs: []float64{3, 40}}
	a := ClusterSizeRule(f)
	if a.Value != "3" || a.Action != result.ActionKeep || a.Evidence["commit_ms_3"] != 3 || a.Evidence["commit_ms_5"] != 40 {
		t.Errorf("3 members: %+v", a)
	}
	f.FailuresTolerated = 2
	if a := ClusterSizeRule(f); a.Value != "5" || a.Action != result.ActionSet {
		t.Errorf("tolerate 2: %+v", a)
	}
	b := BackupRule(Findings{SnapshotSeconds: M(120, "probe backup"), SnapshotImpactMs: M(30, "probe backup")})
	if b.Value != "every 40m0s" || !strings.Contains(b.Reason, "follower") {
		t.Errorf("backup: %+v", b)
	}
	if BackupRule(Findings{}).Action != result.ActionNotMeasured {
		t.Error("backup without a snapshot time must say not measured")
	}
}

func TestVerdicts(t *testing.T) {
	cases := []struct {
		name string
		a    result.Advice
		want string
	}{
		{"fsync well under 10 ms", DiskVerdict(Findings{FsyncP99Ms: M(1.2, "f")}).Advice(), result.Pass},
		{"fsync just over 10 ms", DiskVerdict(Findings{FsyncP99Ms: M(10.1, "f")}).Advice(), result.Warn},
		{"fsync over 20 ms", DiskVerdict(Findings{FsyncP99Ms: M(25, "f")}).Advice(), result.Fail},
		{"slow backend commit", DiskVerdict(Findings{FsyncP99Ms: M(2, "f"), BackendCommitP99Ms: M(40, "m")}).Advice(), result.Warn},
		{"LAN", NetworkVerdict(Findings{PeerRTT: peers(0.3, 0.9)}).Advice(), result.Pass},
		{"stretched", NetworkVerdict(Findings{PeerRTT: peers(60, 80)}).Advice(), result.Warn},
		{"too far", NetworkVerdict(Findings{PeerRTT: peers(150, 200)}).Advice(), result.Fail},
		{"enough host", CPUMemoryVerdict(Findings{WriteRateOpsS: M(500, "b"), CPUs: M(8, "h"), MemoryBytes: M(32<<30, "h")}).Advice(), result.Pass},
		{"small host for the load", CPUMemoryVerdict(Findings{WriteRateOpsS: M(5000, "b"), CPUs: M(2, "h"), MemoryBytes: M(8<<30, "h")}).Advice(), result.Warn},
	}
	for _, c := range cases {
		if c.a.Value != c.want {
			t.Errorf("%s: %s, want %s (%s)", c.name, c.a.Value, c.want, c.a.Reason)
		}
	}
	if DiskVerdict(Findings{}).Advice().Action != result.ActionNotMeasured || NetworkVerdict(Findings{Members: 3}).Advice().Action != result.ActionNotMeasured {
		t.Error("verdicts without figures must say not measured")
	}
}

// Every piece of advice names its rule and its source, and says why.
func TestAdviseNamesRuleAndSource(t *testing.T) {
	for _, f := range []Findings{{}, {Members: 3, PeerRTT: peers(1, 2), FsyncP99Ms: M(3, "f"), WriteRateOpsS: M(100, "b"),
		DBSizeBytes: M(1e8, "s"), DBInUseBytes: M(9e7, "s"), Nodes: 100, PodsPerNode: 30, SnapshotSeconds: M(2, "b"),
		CPUs: M(4, "h"), MemoryBytes: M(16<<30, "h")}} {
		for _, a := range Advise(f) {
			if a.Rule == "" || a.Source == "" || a.Reason == "" || a.Action == "" || a.Scope == "" {
				t.Errorf("incomplete advice: %+v", a)
			}
		}
	}
}
