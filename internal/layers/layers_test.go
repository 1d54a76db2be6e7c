package layers

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestImportsGoDown reads the module's real import graph, a package's own
// tests included, and fails on any import that does not go to a lower
// layer. External test packages (package x_test) stand above everything,
// as any client does, and are not checked.
func TestImportsGoDown(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}}", Module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var edges []Edge
	packages := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		from, ok := Internal(fields[0])
		if !ok {
			continue
		}
		packages++
		for _, imp := range fields[1:] {
			if to, ok := Internal(imp); ok && to != from {
				edges = append(edges, Edge{from, to})
			}
		}
		if len(fields) == 1 { // a package with no imports still needs a layer
			edges = append(edges, Edge{from, "fault"})
		}
	}
	if packages < 10 || len(edges) < 20 {
		t.Fatalf("go list found %d packages and %d imports: the graph was not read", packages, len(edges))
	}
	for _, line := range Check(edges) {
		t.Error(line)
	}
}

// TestCheckCatchesAnUpwardImport shows that Check fails where it must.
func TestCheckCatchesAnUpwardImport(t *testing.T) {
	bad := Check([]Edge{{"engine", "workloads/k8s"}, {"workloads", "probes"}, {"runner", "engine"}, {"newpkg", "fault"}})
	want := []string{
		"engine (layer 4) imports workloads/k8s (layer 6): a package imports only lower layers",
		"newpkg has no layer in internal/layers",
		"workloads (layer 5) imports probes (layer 5): a package imports only lower layers",
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("Check gave\n%s\nwant\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
}
