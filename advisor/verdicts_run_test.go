package advisor

import (
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

func TestRunVerdicts(t *testing.T) {
	put := "put at the target rate"
	cases := []struct {
		name    string
		f       Findings
		setting string
		value   string // "" for not measured
		reason  string
	}{
		{"throughput met", Findings{WriteTargetOpsS: M(1000, "s"), WriteAchievedOpsS: M(999.5, put)}, "throughput", result.Pass, "1000 writes/s achieved"},
		{"throughput 95%", Findings{WriteTargetOpsS: M(1000, "s"), WriteAchievedOpsS: M(950, put)}, "throughput", result.Warn, "95%"},
		{"throughput at check perf's 90% limit", Findings{WriteTargetOpsS: M(1000, "s"), WriteAchievedOpsS: M(900, put)}, "throughput", result.Warn, "90%"},
		{"throughput far short", Findings{WriteTargetOpsS: M(15000, "s"), WriteAchievedOpsS: M(3400, put)}, "throughput", result.Fail, "smaller preset"},
		{"throughput without a target", Findings{}, "throughput", "", "not measured"},

		{"p99 under 25 ms", Findings{WriteP99Ms: M(3, put), WriteMaxMs: M(40, put)}, "latency", result.Pass, "write p99 3.0 ms"},
		{"p99 just at 25 ms", Findings{WriteP99Ms: M(25, put)}, "latency", result.Warn, "against 25 ms"},
		{"p99 under 100 ms", Findings{WriteP99Ms: M(99, put)}, "latency", result.Warn, "99.0 ms"},
		{"p99 at 100 ms", Findings{WriteP99Ms: M(100, put)}, "latency", result.Fail, "100.0 ms"},
		{"a slow outlier warns", Findings{WriteP99Ms: M(5, put), WriteMaxMs: M(800, put)}, "latency", result.Warn, "check perf"},
		{"the user's limit", Findings{WriteP99Ms: M(5, put), WriteP99LimitMs: 1}, "latency", result.Fail, "against 1 ms"},
		{"a looser limit", Findings{WriteP99Ms: M(60, put), WriteP99LimitMs: 100}, "latency", result.Pass, "against 100 ms"},
		{"latency not measured", Findings{}, "latency", "", "not measured"},

		{"steady", Findings{LoadRequests: M(1e5, "w"), LoadErrors: M(0, "w"), LeaderChanges: M(0, "metrics")}, "stability", result.Pass, "0 leader changes"},
		{"a few errors", Findings{LoadRequests: M(1e5, "w"), LoadErrors: M(10, "w"), LeaderChanges: M(0, "metrics")}, "stability", result.Warn, "10 of 100000"},
		{"one election", Findings{LoadRequests: M(1e5, "w"), LeaderChanges: M(1, "metrics")}, "stability", result.Warn, "1 leader changes"},
		{"elections", Findings{LoadRequests: M(1e5, "w"), LeaderChanges: M(3, "metrics")}, "stability", result.Fail, "3 leader changes"},
		{"1% errors", Findings{LoadRequests: M(1e5, "w"), LoadErrors: M(1000, "w")}, "stability", result.Fail, "not measured (no server metrics)"},
		{"no load", Findings{}, "stability", "", "not measured"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := find(t, adviceOf(RunVerdicts(c.f)), c.setting)
			if a.Scope != result.ScopeVerdict {
				t.Errorf("scope %q, want %q", a.Scope, result.ScopeVerdict)
			}
			if a.Value != c.value {
				t.Errorf("verdict %q, want %q (%s)", a.Value, c.value, a.Reason)
			}
			if !strings.Contains(a.Reason, c.reason) {
				t.Errorf("reason %q lacks %q", a.Reason, c.reason)
			}
			wantAction := map[string]string{result.Pass: result.ActionKeep, result.Warn: result.ActionWarn, result.Fail: result.ActionWarn, "": result.ActionNotMeasured}[c.value]
			if a.Action != wantAction {
				t.Errorf("action %q, want %q", a.Action, wantAction)
			}
		})
	}
}

func TestCapacityVerdict(t *testing.T) {
	target := M(150, "the run's target rate")
	cases := []struct {
		name  string
		f     Findings
		level string
	}{
		{"not measured", Findings{WriteTargetOpsS: target}, ""},
		{"twice the plan", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(300, "put --find-max")}, result.Pass},
		{"just the plan", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(160, "put --find-max")}, result.Warn},
		{"below the plan", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(100, "put --find-max")}, result.Fail},
		{"a lower bound below the plan", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(100, "put --find-max"), WriteCapacityLowerBound: true}, result.Warn},
		{"fewer nodes than planned", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(3000, "put --find-max"),
			K8sMaxNodes: M(40, "k8s --find-max"), Nodes: 50, K8sPodsPerNode: 30}, result.Fail},
		{"fewer nodes than planned, but a lower bound", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(3000, "put --find-max"),
			K8sMaxNodes: M(40, "k8s --find-max"), Nodes: 50, K8sPodsPerNode: 30, K8sNodesLowerBound: true}, result.Pass},
		{"the planned nodes", Findings{WriteTargetOpsS: target, WriteCapacityOpsS: M(3000, "put --find-max"),
			K8sMaxNodes: M(80, "k8s --find-max"), Nodes: 50, K8sPodsPerNode: 30}, result.Pass},
	}
	for _, c := range cases {
		v := CapacityVerdict(c.f)
		if v.Level != c.level || v.Area != "capacity" {
			t.Errorf("%s: %s %q (%s), want %q", c.name, v.Area, v.Level, v.Reason, c.level)
		}
		if c.f.WriteCapacityLowerBound && !strings.Contains(v.Reason, "lower bound") {
			t.Errorf("%s: a lower bound must say so: %s", c.name, v.Reason)
		}
	}
}
