package runner

import (
	"fmt"

	"github.com/etcdtune/etcdtune/advisor"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// scale is what a sizing run assumes of the cluster beyond what it
// measures: it may lose one member (three members), as advise assumes by
// default.
var scale = reports.Scale{FailuresTolerated: 1}

// Advise runs the advisor's rules and the run's verdicts on a result;
// plannedNodes is the Kubernetes cluster the preset sizes for, which the
// capacity verdict holds the node search against.
func Advise(res *result.Result, writeP99LimitMs float64, plannedNodes int) []result.Advice {
	f := reports.Findings(res, scale)
	f.WriteP99LimitMs = writeP99LimitMs
	f.PlannedK8sNodes = plannedNodes
	advice := advisor.Advise(f)
	for _, v := range advisor.RunVerdicts(f) {
		advice = append(advice, v.Advice())
	}
	return advice
}

// verdictRank orders the verdicts; not measured ranks lowest.
var verdictRank = map[string]int{result.Pass: 1, result.Warn: 2, result.Fail: 3}

// ParseFailOn checks a --fail-on level: warn or fail ("" for none).
func ParseFailOn(level string) (string, error) {
	switch level {
	case "":
		return "", nil
	case "warn":
		return result.Warn, nil
	case "fail":
		return result.Fail, nil
	}
	return "", fmt.Errorf("unknown --fail-on %q: use warn or fail", level)
}

// AtOrAbove returns the verdicts at level or worse (level from
// ParseFailOn; "" returns none).
func AtOrAbove(advice []result.Advice, level string) []result.Verdict {
	if level == "" {
		return nil
	}
	var out []result.Verdict
	for _, v := range result.VerdictsOf(advice) {
		if verdictRank[v.Level] >= verdictRank[level] {
			out = append(out, v)
		}
	}
	return out
}
