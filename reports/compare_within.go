package reports

import (
	"fmt"

	"github.com/etcdtune/etcdtune/internal/evidence"
	"github.com/etcdtune/etcdtune/result"
)

// Notes of rows judged within runs; each says why it appears.
const (
	noteNoSpread = "one or two runs a side: the test knows each run's seconds, not how runs of one setup differ; " +
		"it says these runs differ, and the gate's limit must cover the spread between runs " +
		"(keep a history of results and give it as --base DIR, or repeat the runs: 3 a side give the spread)"
	noteTooShort = "a run shorter than %d s has too few seconds for evidence within it, and there are too few runs for a test between runs: " +
		"nothing can be significant (run longer, --duration, or more runs, --repeat)"
)

// judgeWithinRuns sets the row's p-value and interval from the runs'
// per-second series, or says why it cannot.
func judgeWithinRuns(r *Row, m Metric, bw, nw []*result.Workload, bv, nv []float64) {
	base, why := evidenceRuns(m, bw, bv)
	news, whyNew := evidenceRuns(m, nw, nv)
	if why == "" {
		why = whyNew
	}
	if why != "" {
		r.Evidence, r.Method = EvidenceNone, why
		r.Notes = append(r.Notes, why)
		return
	}
	o := evidence.Compare(base, news, evidence.Options{Confidence: confidence, Additive: m.Points})
	r.P, r.Evidence = o.P, EvidenceWithin
	r.DeltaLo, r.DeltaHi = &o.Lo, &o.Hi
	r.Base.Lo, r.Base.Hi = o.BaseLo, o.BaseHi
	r.New.Lo, r.New.Hi = o.NewLo, o.NewHi
	r.Method = fmt.Sprintf("Welch's t on batch means (up to %d batches of %d s a run), df %.1f", o.Batches, o.BatchSeconds, o.DF)
	if o.SpreadFrom > 0 {
		r.Method += fmt.Sprintf(", with the spread between %d runs", o.SpreadFrom)
	} else {
		r.Notes = append(r.Notes, noteNoSpread)
	}
}

// evidenceRuns are a side's runs as package evidence reads them, or why
// they cannot be.
func evidenceRuns(m Metric, ws []*result.Workload, figures []float64) ([]evidence.Run, string) {
	runs := make([]evidence.Run, len(ws))
	for i, w := range ws {
		vals, weights, missing := m.seconds(w)
		if missing != "" {
			return nil, m.Name + ": " + missing
		}
		runs[i] = evidence.Run{Figure: figures[i], Seconds: vals, Weights: weights}
	}
	if !evidence.Usable(runs) {
		return nil, fmt.Sprintf(noteTooShort, evidence.MinSeconds)
	}
	return runs, ""
}
