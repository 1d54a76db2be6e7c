package layers

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryStandsAlone fails when a tracked file reads or points at
// the notes folder beside the project: a user clones only the repository,
// so what the code, tests or docs need must be inside it.
func TestRepositoryStandsAlone(t *testing.T) {
	root, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dir := strings.TrimSpace(string(root))
	files, err := exec.Command("git", "-C", dir, "ls-files").Output()
	if err != nil {
		t.Fatal(err)
	}
	outside := [][]byte{[]byte(".." + "/shared/"), []byte("shared" + "/DESIGN.md"), []byte("shared" + "/fixtures")}
	n := 0
	for _, name := range strings.Split(strings.TrimSpace(string(files)), "\n") {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue // deleted in the work tree
		}
		n++
		for _, o := range outside {
			if bytes.Contains(b, o) {
				t.Errorf("%s points outside the repository (%s)", name, o)
			}
		}
	}
	if n < 100 {
		t.Fatalf("read %d tracked files: the listing went wrong", n)
	}
}
