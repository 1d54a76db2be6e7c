package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/internal/reporttest"
	"github.com/etcdtune/etcdtune/result"
)

func TestWriteReportFromFixedResult(t *testing.T) {
	r := fixedResult(t)
	dir := t.TempDir()
	if err := WriteReport(dir, r); err != nil {
		t.Fatal(err)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, ChartsDir, "*.png"))
	// spectrum + a series per workload + fsync + rtt
	if want := 1 + len(r.Workloads) + 2; len(pngs) != want {
		t.Errorf("%d charts %v, want %d", len(pngs), pngs, want)
	}
	for _, p := range pngs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		reporttest.AssertDrawnPNG(t, filepath.Base(p), b, 600)
	}
	page, err := os.ReadFile(filepath.Join(dir, ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	if m := reporttest.ExternalRef.FindString(html); m != "" {
		t.Errorf("report.html refers outside itself: %q", m)
	}
	if n := strings.Count(html, `src="data:image/png;base64,`); n != len(pngs) {
		t.Errorf("%d inlined images, want %d", n, len(pngs))
	}
	for i := range r.Workloads {
		if id := `id="workload-` + string(rune('1'+i)) + `"`; !strings.Contains(html, id) {
			t.Errorf("no section %s", id)
		}
	}
	for _, want := range []string{`<table class="advice">`, "--snapshot-count", "71000", `class="verdict v-warn">WARN`, "end reason: completed", "fdatasync"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// The charts must come out of whatever the result holds: a bench result
// without probes, a probe-only result, an empty one.
func TestChartsFromPartialResults(t *testing.T) {
	full := fixedResult(t)
	benchOnly := *full
	benchOnly.Probes, benchOnly.Advice = result.Probes{}, nil
	probesOnly := *full
	probesOnly.Workloads = nil
	noHistograms := *full
	noHistograms.Workloads = nil
	for _, w := range full.Workloads {
		c := *w
		c.Histogram, c.ServiceHistogram, c.Series = "", "", nil
		noHistograms.Workloads = append(noHistograms.Workloads, &c)
	}
	noHistograms.Probes.Fsync = nil
	cases := []struct {
		name  string
		r     *result.Result
		files []string
	}{
		{"bench only", &benchOnly, []string{"latency-spectrum.png", "workload-1-put-series.png", "workload-2-put-series.png"}},
		{"probes only", &probesOnly, []string{"fsync.png", "rtt.png"}},
		{"no histograms", &noHistograms, []string{"rtt.png"}},
		{"empty", &result.Result{Schema: result.Schema}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			charts, err := Charts(c.r)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, ch := range charts {
				files = append(files, ch.File)
				reporttest.AssertDrawnPNG(t, ch.File, ch.PNG, 600)
			}
			if strings.Join(files, " ") != strings.Join(c.files, " ") {
				t.Errorf("charts %v, want %v", files, c.files)
			}
			var b bytes.Buffer
			if err := WriteHTML(&b, c.r); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), `id="verdicts"`) {
				t.Error("the page lacks its verdict section")
			}
		})
	}
}

func TestChartsRejectACorruptHistogram(t *testing.T) {
	r := fixedResult(t)
	r.Workloads[0].Histogram = "not base64!"
	if _, err := Charts(r); err == nil || !strings.Contains(err.Error(), "#1 put") {
		t.Errorf("err %v: want a decode error naming the workload", err)
	}
}
