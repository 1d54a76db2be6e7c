package layers

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRepositoryStandsAlone fails when a tracked file reads or points at
// the notes folder beside the project or anything else beside the checkout,
// or a Go file reads a ../ path that leaves the repository: a user clones only the repository,
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
	outside := [][]byte{[]byte(".." + "/shared/"), []byte("shared" + "/DESIGN.md"), []byte("shared" + "/fixtures"),
		[]byte(dir + string(filepath.Separator))}
	// The folder holding the checkout: a path into it (a sibling checkout,
	// the notes beside the project) is not there in a user's clone. Only
	// when it is deep enough not to be a common prefix such as /home/.
	if parent := filepath.Dir(dir); strings.Count(parent, string(filepath.Separator)) >= 2 {
		outside = append(outside, []byte(parent+string(filepath.Separator)))
	}
	n, relative := 0, 0
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
		if strings.HasSuffix(name, ".go") {
			for _, m := range upPath.FindAllSubmatch(b, -1) {
				relative++
				// Relative to the package's folder, where go test runs.
				to := filepath.Join(dir, filepath.Dir(name), string(m[1]))
				if rel, err := filepath.Rel(dir, to); err != nil || strings.HasPrefix(rel, "..") {
					t.Errorf("%s reads %s, outside the repository", name, m[1])
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("read %d tracked files: the listing went wrong", n)
	}
	t.Logf("%d tracked files read, %d ../ paths in Go files resolved inside the repository", n, relative)
}

// upPath is a Go string literal of a path up from the package's folder,
// as a test reads the README ("../../README.md").
var upPath = regexp.MustCompile(`"((?:\.\./)+[^"\s]*)"`)
