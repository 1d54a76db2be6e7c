package reports

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"

	"github.com/etcdtune/etcdtune/result"
)

// The page template and its CSS are compiled into the binary: the report
// must open offline, from a CI artifact, with nothing fetched.
//
//go:embed templates/report.html.tmpl templates/report.css
var templateFS embed.FS

var pageTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"ms":      ms,
	"verdict": verdictValue,
	"lower":   func(s string) string { return string(bytes.ToLower([]byte(s))) },
}).ParseFS(templateFS, "templates/report.html.tmpl"))

// ChartsDir is the folder, inside a report folder, of the PNG charts.
const ChartsDir = "charts"

// ReportFile is the name of the HTML page in a report folder.
const ReportFile = "report.html"

// WriteReport writes the report of r into dir: report.html, one
// self-contained page (charts inlined as data: URIs, CSS inline, no
// script), and the same charts as PNG files under charts/. dir is created
// if needed; files of the same names are replaced, others left alone.
func WriteReport(dir string, r *result.Result) error {
	charts, err := Charts(r)
	if err != nil {
		return fmt.Errorf("report charts: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ChartsDir), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, c := range charts {
		if err := os.WriteFile(filepath.Join(dir, ChartsDir, c.File), c.PNG, 0o644); err != nil {
			return fmt.Errorf("report chart: %w", err)
		}
	}
	var page bytes.Buffer
	if err := writeHTML(&page, r, charts); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ReportFile), page.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteHTML writes the report page of r, charts inlined, to w.
func WriteHTML(w io.Writer, r *result.Result) error {
	charts, err := Charts(r)
	if err != nil {
		return fmt.Errorf("report charts: %w", err)
	}
	return writeHTML(w, r, charts)
}

func writeHTML(w io.Writer, r *result.Result, charts []Chart) error {
	css, err := templateFS.ReadFile("templates/report.css")
	if err != nil {
		return err
	}
	data := newPage(r, charts)
	data.CSS = template.CSS(css)
	if err := pageTemplate.Execute(w, data); err != nil {
		return fmt.Errorf("report page: %w", err)
	}
	return nil
}

// dataURI inlines a PNG. html/template would replace an untyped data: URI
// with "#unsafe", hence the template.URL: the bytes are our own PNG.
func dataURI(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}
