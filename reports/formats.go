package reports

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/etcdtune/etcdtune/result"
)

// The names of the output formats.
const (
	FormatTable   = "table"
	FormatJSON    = "json"
	FormatHTML    = "html"
	FormatMD      = "md"
	FormatText    = "text"
	FormatFlags   = "flags"
	FormatYAML    = "yaml"
	FormatKubeadm = "kubeadm"
	FormatJUnit   = "junit"
)

// ResultWriter writes a result on w.
type ResultWriter func(w io.Writer, r *result.Result) error

// ReportWriter writes the report of a result: on w, or into the folder dir
// (naming the page on w).
type ReportWriter func(w io.Writer, r *result.Result, dir string) error

// ProbeWriter writes one probe's finding (a *result.Fsync, *result.RTT...).
type ProbeWriter func(w io.Writer, finding any) error

// AdviceWriter writes the advice.
type AdviceWriter func(w io.Writer, advice []result.Advice) error

// ComparisonWriter writes a comparison.
type ComparisonWriter func(w io.Writer, c *Comparison) error

// ResultFormats are the outputs of a command that makes a result: bench,
// bench quota, merge.
var ResultFormats = Formats[ResultWriter]{
	{Name: FormatTable, Write: WriteText},
	{Name: FormatJSON, Write: result.WriteJSON},
}

// ReportFormats are the outputs of report.
var ReportFormats = Formats[ReportWriter]{
	{Name: FormatHTML, Note: "a folder", Write: writeReportFolder},
	{Name: FormatMD, Write: onStdout(WriteMarkdown)},
	{Name: FormatText, Write: onStdout(WriteVerdict)},
	{Name: FormatJSON, Write: onStdout(result.WriteJSON)},
}

// ProbeFormats are the outputs of each probe: json is the object the
// result file holds under probes.<name>; table is its human form.
var ProbeFormats = Formats[ProbeWriter]{
	{Name: FormatTable, Write: WriteProbeTable},
	{Name: FormatJSON, Write: WriteProbeJSON},
}

// AdviceFormats are the outputs of advise.
var AdviceFormats = Formats[AdviceWriter]{
	{Name: FormatTable, Write: WriteAdviceTable},
	{Name: FormatFlags, Write: WriteAdviceFlags},
	{Name: FormatYAML, Write: WriteAdviceYAML},
	{Name: FormatJSON, Write: WriteAdviceJSON},
	{Name: FormatKubeadm, Write: WriteAdviceKubeadm},
}

// ComparisonFormats are the outputs of compare.
var ComparisonFormats = Formats[ComparisonWriter]{
	{Name: FormatTable, Write: WriteCompareText},
	{Name: FormatMD, Write: WriteCompareMarkdown},
	{Name: FormatJSON, Write: WriteCompareJSON},
	{Name: FormatJUnit, Write: WriteCompareJUnit},
}

// writeReportFolder writes the HTML report into dir and names its page.
func writeReportFolder(w io.Writer, r *result.Result, dir string) error {
	if err := WriteReport(dir, r); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "report: %s\n", filepath.Join(dir, ReportFile))
	return err
}

// onStdout is a report written on w alone, with no folder.
func onStdout(write ResultWriter) ReportWriter {
	return func(w io.Writer, r *result.Result, _ string) error { return write(w, r) }
}
