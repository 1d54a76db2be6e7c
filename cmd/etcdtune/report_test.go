package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/internal/reporttest"
)

func TestReportFromARealRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts embedded etcd several times")
	}
	dir := t.TempDir()
	result := realResult(t, dir)
	out := filepath.Join(dir, "report")
	start := time.Now()
	r := etcdtune(t, nil, "report", result, "--dir", out)
	if r.code != 0 {
		t.Fatalf("report: exit %d: %s", r.code, r.stderr)
	}
	t.Logf("report written in %v", time.Since(start))
	if !strings.Contains(r.stdout, filepath.Join(out, "report.html")) {
		t.Errorf("stdout %q does not say where the report is", r.stdout)
	}

	charts, _ := filepath.Glob(filepath.Join(out, "charts", "*.png"))
	want := []string{"fsync.png", "latency-spectrum.png", "rtt.png", "workload-1-put-series.png"}
	var names []string
	for _, c := range charts {
		names = append(names, filepath.Base(c))
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		reporttest.AssertDrawnPNG(t, filepath.Base(c), b, 0)
	}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("charts %v, want %v", names, want)
	}

	b, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	if m := reporttest.ExternalRef.FindString(html); m != "" {
		t.Errorf("report.html refers outside itself: %q", m)
	}
	for _, want := range []string{`<section class="workload" id="workload-1">`, `<table class="advice">`, "--snapshot-count", `<table class="verdicts">`, "fdatasync"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if n := strings.Count(html, `src="data:image/png;base64,`); n != len(charts) {
		t.Errorf("%d charts inlined, want %d", n, len(charts))
	}
	t.Run("chromium", func(t *testing.T) { checkInChromium(t, filepath.Join(out, "report.html")) })

	for _, format := range []string{"md", "text", "json"} {
		r := etcdtune(t, nil, "report", result, "-o", format)
		if r.code != 0 || r.stdout == "" {
			t.Errorf("-o %s: exit %d, %d bytes: %s", format, r.code, len(r.stdout), r.stderr)
		}
	}
}

// chromium is Debian's headless browser, which .ci/run installs. Without
// it the browser check is skipped, except in CI, where it must run.
func chromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed, and CI=true: .ci/run installs it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed (apt-get install chromium): the browser check of report.html is skipped")
	}
	return path
}

// headless runs chromium on page offline-minded: no background
// networking, no component updates, a throwaway profile.
func headless(t *testing.T, page string, args ...string) []byte {
	t.Helper()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, args...)
	all = append(all, "file://"+page)
	cmd := exec.Command(chromium(t), all...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
		}
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("chromium %v did not finish in 90 s", args)
	}
	return stdout.Bytes()
}

// checkInChromium opens the report in a real browser: the rendered page
// must hold the charts as inline PNGs and the verdicts, and a screenshot
// of it must show drawn content.
func checkInChromium(t *testing.T, page string) {
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	dom := string(headless(t, abs, "--dump-dom"))
	imgs := regexp.MustCompile(`<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"`).FindAllString(dom, -1)
	if len(imgs) < 4 {
		t.Errorf("the rendered page has %d chart images, want at least 4", len(imgs))
	}
	verdicts := regexp.MustCompile(`<tr><td>(disk|network|cpu-memory)</td><td><span class="verdict v-[a-z/]+">(PASS|WARN|FAIL|N/A)</span>`).FindAllStringSubmatch(dom, -1)
	if len(verdicts) < 3 {
		t.Errorf("the rendered page shows %d of the disk, network and cpu-memory verdicts, want 3", len(verdicts))
	}
	if !strings.Contains(dom, `id="etcd-flags"`) {
		t.Error("the rendered page lacks the settings to use")
	}
	shot := filepath.Join(t.TempDir(), "report.png")
	headless(t, abs, "--screenshot="+shot, "--window-size=1280,2000", "--hide-scrollbars")
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	reporttest.AssertDrawnPNG(t, "screenshot", b, 0)
	// ETCDTUNE_SCREENSHOT=path keeps it, for the README's picture.
	if keep := os.Getenv("ETCDTUNE_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReportBadInput(t *testing.T) {
	dir := t.TempDir()
	fixed, err := filepath.Abs("../../reports/testdata/result.json")
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{"schema":"something.else/v1"}`), 0o644)
	notJSON := filepath.Join(dir, "notes.txt")
	os.WriteFile(notJSON, []byte("hello"), 0o644)
	busy := filepath.Join(dir, "busy")
	os.MkdirAll(busy, 0o755)
	mine := filepath.Join(busy, "mine.txt")
	os.WriteFile(mine, []byte("keep me"), 0o644)

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"report"}, "accepts 1 arg"},
		{"two files", []string{"report", fixed, "extra"}, "accepts 1 arg"},
		{"missing file", []string{"report", filepath.Join(dir, "missing.json")}, "missing.json"},
		{"other schema", []string{"report", other, "-o", "md"}, "not an etcdtune result file"},
		{"not JSON", []string{"report", notJSON, "-o", "text"}, "not an etcdtune result file"},
		{"unknown format", []string{"report", fixed, "-o", "pdf"}, `unknown --output "pdf"`},
		{"folder not empty", []string{"report", fixed, "--dir", busy}, "not empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertOneLineError(t, etcdtune(t, nil, c.args...), exitBadInput, c.want)
		})
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "keep me" {
		t.Errorf("the user's file in a refused folder changed: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(busy, "report.html")); err == nil {
		t.Error("a report was written into a refused folder")
	}
	t.Run("force", func(t *testing.T) {
		r := etcdtune(t, nil, "report", fixed, "--dir", busy, "--force")
		if r.code != 0 {
			t.Fatalf("--force: exit %d: %s", r.code, r.stderr)
		}
		if b, err := os.ReadFile(mine); err != nil || string(b) != "keep me" {
			t.Errorf("--force touched the user's file: %q, %v", b, err)
		}
	})
}
