package result

// Verdict levels. A verdict whose figure was not measured has level "".
const (
	Pass = "PASS"
	Warn = "WARN"
	Fail = "FAIL"
)

// Verdict is the judgement of one area (disk, network, throughput, ...):
// PASS, WARN or FAIL, with the figure behind it. The result file holds
// verdicts as entries of advice with scope "verdict" (Advice, VerdictOf).
type Verdict struct {
	Area     string             // the advice's setting
	Level    string             // Pass, Warn or Fail; "" when not measured (the advice's value)
	Reason   string             // the figure against its limit, or what was not measured
	Rule     string             // the rule, with its limits
	Source   string             // where the limits come from
	Evidence map[string]float64 // the figures the rule read
}

// Measured reports whether the verdict rests on a figure.
func (v Verdict) Measured() bool { return v.Level != "" }

// Advice is v as the result file stores it: scope verdict, the level as
// the value, and the action keep (PASS), warn (WARN, FAIL) or
// not_measured.
func (v Verdict) Advice() Advice {
	a := Advice{Setting: v.Area, Scope: ScopeVerdict, Value: v.Level, Action: ActionKeep,
		Reason: v.Reason, Rule: v.Rule, Source: v.Source, Evidence: v.Evidence}
	switch {
	case !v.Measured():
		a.Action = ActionNotMeasured
	case v.Level != Pass:
		a.Action = ActionWarn
	}
	return a
}

// VerdictOf reads a verdict back from its advice entry: an entry without a
// value, or marked not measured, is a verdict not measured.
func VerdictOf(a Advice) Verdict {
	v := Verdict{Area: a.Setting, Level: a.Value, Reason: a.Reason, Rule: a.Rule, Source: a.Source, Evidence: a.Evidence}
	if a.Action == ActionNotMeasured {
		v.Level = ""
	}
	return v
}

// VerdictsOf returns the verdicts among advice, in its order.
func VerdictsOf(advice []Advice) []Verdict {
	var out []Verdict
	for _, a := range advice {
		if a.Scope == ScopeVerdict {
			out = append(out, VerdictOf(a))
		}
	}
	return out
}

// Verdicts returns the result's verdicts, in the order of its advice.
func (r *Result) Verdicts() []Verdict { return VerdictsOf(r.Advice) }
