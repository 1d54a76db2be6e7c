package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

func TestPresetsAreCheckPerfs(t *testing.T) {
	want := map[string][2]float64{"s": {50, 150}, "m": {200, 1000}, "l": {500, 8000}, "xl": {1000, 15000}}
	for name, w := range want {
		p, err := LookupPreset(name)
		if err != nil || float64(p.Clients) != w[0] || p.WritesPerSec != w[1] {
			t.Errorf("preset %s: %+v %v, want %v clients at %v writes/s", name, p, err, w[0], w[1])
		}
		if p.Conns > p.Clients {
			t.Errorf("preset %s: more connections than clients", name)
		}
	}
	if got := strings.Join(PresetNames(), " "); got != "s m l xl" {
		t.Errorf("names %q", got)
	}
	if _, err := LookupPreset("xxl"); err == nil || !strings.Contains(err.Error(), "s, m, l, xl") {
		t.Errorf("unknown preset: %v", err)
	}
}

// The suite's workloads must accept the figures of every preset and plan:
// a preset the workloads refuse would fail only once the run is under way.
func TestSuiteBuildsForEveryPreset(t *testing.T) {
	for _, name := range PresetNames() {
		p, _ := LookupPreset(name)
		for _, plan := range []Timing{QuickTiming(), FullTiming()} {
			for _, ph := range suite(p, plan, "/etcdtune/", 0) {
				if err := ph.cfg.Validate(); err != nil {
					t.Errorf("%s %s config: %v", name, ph.name, err)
				}
				if _, err := ph.build(); err != nil {
					t.Errorf("%s %s: %v", name, ph.name, err)
				}
			}
		}
	}
	p, _ := LookupPreset("s")
	if d := loadSeconds(suite(p, QuickTiming(), "/e/", 0)); d.Seconds() > 40 {
		t.Errorf("the quick suite's load alone takes %v: run --quick must finish within 60 s", d)
	}
	if d := loadSeconds(suite(p, FullTiming(), "/e/", 0)); d.Minutes() > 4 {
		t.Errorf("the full suite's load alone takes %v: run must finish within 5 minutes", d)
	}
}

func TestFailOn(t *testing.T) {
	adv := []result.Advice{
		{Setting: "disk", Scope: result.ScopeVerdict, Value: result.Pass},
		{Setting: "latency", Scope: result.ScopeVerdict, Value: result.Warn},
		{Setting: "throughput", Scope: result.ScopeVerdict, Value: result.Fail},
		{Setting: "network", Scope: result.ScopeVerdict, Action: result.ActionNotMeasured},
		{Setting: "--snapshot-count", Scope: result.ScopeEtcd, Value: "FAIL"},
	}
	cases := []struct{ level, want string }{{"", ""}, {"warn", "latency throughput"}, {"fail", "throughput"}}
	for _, c := range cases {
		level, err := ParseFailOn(c.level)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range AtOrAbove(adv, level) {
			got = append(got, v.Area)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("--fail-on %q: %v, want %q", c.level, got, c.want)
		}
	}
	if _, err := ParseFailOn("error"); err == nil {
		t.Error("--fail-on error accepted")
	}
}

func TestPrepareDir(t *testing.T) {
	root := t.TempDir()
	fresh := filepath.Join(root, "a", "b")
	if created, err := PrepareDir(fresh, false); err != nil || !created {
		t.Fatalf("a new folder: created %v, %v", created, err)
	}
	if created, err := PrepareDir(fresh, false); err != nil || created {
		t.Errorf("an empty folder: created %v, %v", created, err)
	}
	os.WriteFile(filepath.Join(fresh, ResultFile), []byte("{}"), 0o644)
	if _, err := PrepareDir(fresh, false); !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("an earlier run's folder: %v", err)
	}
	if _, err := PrepareDir(fresh, true); err != nil {
		t.Errorf("--force: %v", err)
	}
	file := filepath.Join(root, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := PrepareDir(file, true); !fault.Is(err, fault.BadInput) {
		t.Errorf("a file as --dir: %v", err)
	}
}
