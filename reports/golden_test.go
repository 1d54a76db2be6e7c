package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

// update rewrites the golden files: go test ./reports -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedResult is a real result, frozen in testdata: bench put closed loop,
// bench put open loop at 2000/s, probes fsync, host, disk, rtt and cluster
// of an embedded etcd, and the advice of `etcdtune advise --from` on it.
func fixedResult(t *testing.T) *result.Result {
	t.Helper()
	r, err := result.ReadFile(filepath.Join("testdata", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestVerdictGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteVerdictWithReport(&b, fixedResult(t), "etcdtune-report/report.html"); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "verdict.golden", b.Bytes())
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, fixedResult(t)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "markdown.golden", b.Bytes())
}
