package advisor

import (
	"fmt"
	"strconv"

	"github.com/etcdtune/etcdtune/result"
)

// Sources the rules rest on.
const (
	srcTuning      = "https://etcd.io/docs/v3.6/tuning/"
	srcHardware    = "https://etcd.io/docs/v3.6/op-guide/hardware/"
	srcFAQ         = "https://etcd.io/docs/v3.6/faq/"
	srcMaintenance = "https://etcd.io/docs/v3.6/op-guide/maintenance/"
	srcConfig      = "https://etcd.io/docs/v3.6/op-guide/configuration/"
	srcRecovery    = "https://etcd.io/docs/v3.6/op-guide/recovery/"
	srcFailures    = "https://etcd.io/docs/v3.6/op-guide/failures/"
	srcOpenShift   = "OpenShift docs, etcd tuning profiles (Standard 100/1000 ms, Slower 500/2500 ms)"
	srcFio         = "IBM Cloud blog, 'Using fio to tell whether your storage is fast enough for etcd'"
	srcAPIServer   = "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/"
	srcK8sEtcd     = "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/"
)

// Defaults of etcd v3.6 for the settings the advisor covers, used as the
// current values when none are given.
var Defaults = map[string]string{
	"--heartbeat-interval":        "100",
	"--election-timeout":          "1000",
	"--snapshot-count":            "10000",
	"--snapshot-catchup-entries":  "5000",
	"--quota-backend-bytes":       "2147483648",
	"--auto-compaction-mode":      "periodic",
	"--auto-compaction-retention": "0",
}

// current returns the setting in force: the given one, else etcd's default.
func (f Findings) current(flag string) string {
	if v, ok := f.Current[flag]; ok && v != "" {
		return v
	}
	return Defaults[flag]
}

// setting builds the advice for a flag with a recommended value, keeping
// it when the current value is the same.
func (f Findings) setting(flag, value, rule, source, reason string, ev map[string]float64) result.Advice {
	a := result.Advice{Setting: flag, Scope: result.ScopeEtcd, Value: value, Current: f.current(flag), Action: result.ActionSet,
		Rule: rule, Source: source, Reason: reason, Evidence: ev}
	if sameValue(a.Current, value) {
		a.Action = result.ActionKeep
	}
	return a
}

func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && x == y
}

// notMeasured is the advice of a rule whose figure is missing.
func notMeasured(setting, scope, rule, source, what string) result.Advice {
	return result.Advice{Setting: setting, Scope: scope, Action: result.ActionNotMeasured, Rule: rule, Source: source,
		Reason: fmt.Sprintf("not measured: %s; run the probe that measures it, or keep etcd's default", what)}
}

// Advise runs every rule on the findings.
func Advise(f Findings) []result.Advice {
	var out []result.Advice
	out = append(out, TimingRule(f)...)
	out = append(out, SnapshotCountRule(f)...)
	out = append(out, QuotaRule(f))
	out = append(out, CompactionRule(f)...)
	out = append(out, DefragRule(f))
	out = append(out, EventsOverrideRule(f))
	out = append(out, ClusterSizeRule(f))
	out = append(out, BackupRule(f))
	out = append(out, DiskVerdict(f).Advice(), NetworkVerdict(f).Advice(), CPUMemoryVerdict(f).Advice())
	return out
}
