package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

// earlier holds result files written by an earlier etcdtune, with what that
// build printed for them (testdata/v1-3611bbc/README.md).
const earlier = "testdata/v1-3611bbc"

// TestResultsOfEarlierBuildsStillRead reads result files written before
// the refactor into one schema package and checks that they report and
// compare exactly as the build that wrote them did.
func TestResultsOfEarlierBuildsStillRead(t *testing.T) {
	read := func(name string) *result.Result {
		t.Helper()
		r, err := result.ReadFile(filepath.Join(earlier, name))
		if err != nil {
			t.Fatalf("an earlier build's result no longer reads: %v", err)
		}
		return r
	}
	run, put1, put2 := read("run-result.json"), read("put-1.json"), read("put-2.json")
	if len(run.Workloads) != 5 || run.Probes.Fsync == nil || run.Probes.Cluster == nil || len(run.Advice) == 0 {
		t.Fatalf("run result lost its content: %d workloads, fsync %v, cluster %v, %d advice",
			len(run.Workloads), run.Probes.Fsync != nil, run.Probes.Cluster != nil, len(run.Advice))
	}
	same := func(golden string, write func(io.Writer) error) {
		t.Helper()
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", golden, err)
		}
		want, err := os.ReadFile(filepath.Join(earlier, golden))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s: today's output differs from the earlier build's\n--- got\n%s\n--- want\n%s", golden, b.String(), want)
		}
	}
	same("run-result.md.golden", func(w io.Writer) error { return WriteMarkdown(w, run) })
	same("run-result.text.golden", func(w io.Writer) error { return WriteVerdict(w, run) })
	same("put-1.md.golden", func(w io.Writer) error { return WriteMarkdown(w, put1) })
	same("put-1.text.golden", func(w io.Writer) error { return WriteVerdict(w, put1) })
	cmp, err := Compare([]*result.Result{put1}, []*result.Result{put2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	same("compare.golden", func(w io.Writer) error { return WriteCompareText(w, cmp) })
	same("compare.json.golden", func(w io.Writer) error { return WriteCompareJSON(w, cmp) })
	if err := WriteReport(t.TempDir(), run); err != nil {
		t.Fatalf("the HTML report of an earlier build's result: %v", err)
	}
}

// TestResultFieldsSurviveARoundTrip reads each earlier result and writes it
// again: every field the earlier build wrote must come back under the same
// name with the same value (fields may be added, none renamed or removed),
// so users' scripts and CI jobs that read result files keep working.
func TestResultFieldsSurviveARoundTrip(t *testing.T) {
	for _, name := range []string{"run-result.json", "put-1.json"} {
		raw, err := os.ReadFile(filepath.Join(earlier, name))
		if err != nil {
			t.Fatal(err)
		}
		r, err := result.Read(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := result.WriteJSON(&again, r); err != nil {
			t.Fatal(err)
		}
		var before, after any
		if err := json.Unmarshal(raw, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(again.Bytes(), &after); err != nil {
			t.Fatal(err)
		}
		for _, lost := range missingFields("", before, after) {
			t.Errorf("%s: %s", name, lost)
		}
	}
}

// missingFields lists the paths in before that after lacks or holds with
// another value.
func missingFields(path string, before, after any) []string {
	switch b := before.(type) {
	case map[string]any:
		a, ok := after.(map[string]any)
		if !ok {
			return []string{path + " is no longer an object"}
		}
		var out []string
		for k, v := range b {
			av, ok := a[k]
			if !ok {
				out = append(out, path+"."+k+" is gone")
				continue
			}
			out = append(out, missingFields(path+"."+k, v, av)...)
		}
		return out
	case []any:
		a, ok := after.([]any)
		if !ok || len(a) != len(b) {
			return []string{path + " changed length or type"}
		}
		var out []string
		for i := range b {
			out = append(out, missingFields(fmt.Sprintf("%s[%d]", path, i), b[i], a[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(before, after) {
		return []string{fmt.Sprintf("%s was %v, now %v", path, before, after)}
	}
	return nil
}
