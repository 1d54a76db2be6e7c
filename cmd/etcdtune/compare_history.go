package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// A CI job keeps its past results as artifacts; compare --base DIR reads
// them as the base side, so that one new run is judged against a real
// sample of how runs of the baseline vary.

// historyFiles are the result files a --base folder holds: its *.json
// files and the result.json of each folder in it (an `etcdtune run`
// --dir), not deeper.
func historyFiles(dir string) ([]string, error) {
	direct, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	nested, err := filepath.Glob(filepath.Join(dir, "*", "result.json"))
	if err != nil {
		return nil, err
	}
	files := append(direct, nested...)
	if len(files) == 0 {
		return nil, fmt.Errorf("--base %s: the folder holds no result files (*.json, or */result.json of run folders)", dir)
	}
	return files, nil
}

// baseSide reads the base side: files, and the result files of folders,
// newest first by when each run started when --base-last keeps only the
// last K of them. It says in a line where the base came from when a
// folder or --base-last chose it.
func baseSide(paths []string, last int) ([]*result.Result, string, error) {
	var files []string
	folders := 0
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			fs, err := historyFiles(p)
			if err != nil {
				return nil, "", badInput(err)
			}
			files = append(files, fs...)
			folders++
			continue
		}
		files = append(files, p)
	}
	rs, err := readResults(files)
	if err != nil {
		return nil, "", err
	}
	if folders == 0 && last == 0 {
		return rs, "", nil
	}
	type dated struct {
		r    *result.Result
		file string
		at   time.Time
	}
	runs := make([]dated, len(rs))
	for i, r := range rs {
		at, err := time.Parse(time.RFC3339Nano, r.StartedAt)
		if err != nil {
			return nil, "", badInput(fmt.Errorf("--base: %s: started_at %q is not a time: %v", files[i], r.StartedAt, err))
		}
		runs[i] = dated{r, files[i], at}
	}
	slices.SortStableFunc(runs, func(a, b dated) int { return b.at.Compare(a.at) })
	total := len(runs)
	if last > 0 && last < total {
		runs = runs[:last]
	}
	out := make([]*result.Result, len(runs))
	for i, d := range runs {
		out[i] = d.r
		// A history mixes in a result of other workloads easily (another
		// job's artifact): name its file, which compare's own check of
		// the sides, by position, cannot.
		if got, want := workloadsOf(d.r), workloadsOf(runs[0].r); !slices.Equal(got, want) {
			return nil, "", badInput(fmt.Errorf("--base: %s holds workloads %v, the newest result %s holds %v: a history must be of one benchmark",
				d.file, got, runs[0].file, want))
		}
	}
	source := fmt.Sprintf("base: the %d newest of %d results (%s ... %s)", len(runs), total,
		runs[0].at.UTC().Format(time.RFC3339), runs[len(runs)-1].at.UTC().Format(time.RFC3339))
	return out, source, nil
}

func workloadsOf(r *result.Result) []string {
	names := make([]string, len(r.Workloads))
	for i, w := range r.Workloads {
		names[i] = w.Name
	}
	return names
}
