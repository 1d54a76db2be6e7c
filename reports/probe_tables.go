package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/etcdtune/etcdtune/result"
)

// This file holds the tables `etcdtune probe <name>` prints, the human
// form of the findings that the HTML report shows as facts: the probes of
// this machine here, those of a cluster in probe_tables_etcd.go.

// WriteProbeJSON writes a probe's finding as the result file holds it under
// probes.<name>.
func WriteProbeJSON(w io.Writer, finding any) error { return writeIndentedJSON(w, finding) }

// WriteProbeTable writes a probe's finding as its table.
func WriteProbeTable(w io.Writer, finding any) error {
	switch f := finding.(type) {
	case *result.Fsync:
		return writeFsyncTable(w, f)
	case *result.Disk:
		return writeDiskTable(w, f)
	case *result.ProbedHost:
		return writeHostTable(w, f)
	case *result.Keyspace:
		return writeKeyspaceTable(w, f)
	case *result.RTT:
		return writeRTTTable(w, f)
	case *result.Cluster:
		return writeClusterTable(w, f)
	case *result.Backup:
		return writeBackupTable(w, f)
	}
	return fmt.Errorf("no table for a finding of type %T", finding)
}

func writeFsyncTable(w io.Writer, f *result.Fsync) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "path\t%s (%s)\n", f.Path, f.FsType)
	fmt.Fprintf(tw, "writes\t%d x %d B, pattern %s, fdatasync after each, %.1f s\n", f.Samples, f.BlockBytes, f.Pattern, f.DurationS)
	fmt.Fprintf(tw, "IOPS\t%.0f\n", f.IOPS)
	fmt.Fprintf(tw, "fdatasync ms\tp50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n", f.P50, f.P90, f.P99, f.P999, f.Max)
	fmt.Fprintf(tw, "etcd wants\tWAL fsync p99 under 10 ms, at least 50 IOPS (500 for heavy load)\n")
	return tw.Flush()
}

func writeDiskTable(w io.Writer, d *result.Disk) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "path\t%s on %s (%s), %s free\n", d.Path, d.Mountpoint, d.FsType, mib(d.FreeBytes))
	fmt.Fprintf(tw, "device\t%s\n", orNone(strings.Join(d.Stack, " -> ")))
	for _, b := range d.Disks {
		fmt.Fprintf(tw, "disk %s\tmodel %q, driver %s, rotational %v, scheduler %s, virtual %v %s\n",
			b.Name, b.Model, orNone(b.Driver), b.Rotational, orNone(b.Scheduler), b.Virtual, b.VirtualHint)
	}
	fmt.Fprintf(tw, "sequential write\t%.0f MB/s\n", d.SeqWriteMBps)
	fmt.Fprintf(tw, "random 4 KiB synced writes\t%.0f IOPS\n", d.RandWriteIOPS)
	fmt.Fprintf(tw, "fdatasync (2300 B)\tp50 %.3f ms, p99 %.3f ms, %.0f IOPS\n", d.FsyncP50Ms, d.FsyncP99Ms, d.FsyncIOPS)
	fmt.Fprintf(tw, "class\t%s: %s\n", d.Class, d.ClassReason)
	return tw.Flush()
}

func writeHostTable(w io.Writer, h *result.ProbedHost) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "host\t%s, %s %s, kernel %s, %s\n", h.Hostname, h.OS, h.Platform, h.Kernel, orNone(h.Virtualization))
	fmt.Fprintf(tw, "CPU\t%d x %s\n", h.CPUs, orNone(h.CPUModel))
	fmt.Fprintf(tw, "memory\t%s, %s available\n", mib(h.MemoryBytes), mib(h.AvailableBytes))
	fmt.Fprintf(tw, "swap\t%s, %s used\n", mib(h.SwapBytes), mib(h.SwapUsedBytes))
	fmt.Fprintf(tw, "load\t%.2f %.2f %.2f\n", h.Load1, h.Load5, h.Load15)
	fmt.Fprintf(tw, "steal\t%.1f%% over %.1f s\n", h.StealPct, h.WindowS)
	return tw.Flush()
}

func mib(n uint64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// writeIndentedJSON writes v as JSON indented by two spaces, as every
// json output of etcdtune is.
func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
