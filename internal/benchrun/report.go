package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/etcdtune/etcdtune/localetcd"
)

// flatnessTarget is the most etcdtune's peak RSS may grow from the small to
// the large memory run: its latencies go into fixed-size histograms.
const flatnessTarget = 1.10

// printHeader says where and with what the figures were taken.
func printHeader(w io.Writer, t tools, p plan, started time.Time) {
	fmt.Fprintf(w, "etcdtune whole-process benchmarks, %s\n", started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "machine:   %d CPUs (%s), %s/%s, %s\n", runtime.NumCPU(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(w, "server:    etcd %s, one process on loopback, on the same cores as the load generator\n", localetcd.EtcdVersion())
	fmt.Fprintf(w, "etcdtune:  etcd client %s, grpc %s\n", t.etcdtuneDeps.client, t.etcdtuneDeps.grpc)
	fmt.Fprintf(w, "benchmark: etcd's tools/benchmark from go.etcd.io/etcd/v3 %s, etcd client %s, grpc %s\n",
		t.benchmarkDeps.etcdRoot, t.benchmarkDeps.client, t.benchmarkDeps.grpc)
	mode := "full"
	if p.quick {
		mode = "quick (-quick)"
	}
	fmt.Fprintf(w, "pass:      %s\n", mode)
}

// cpuModel is the processor's name from /proc/cpuinfo, or "unknown model".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown model"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown model"
}

// refSettings describes the reference load in words.
func refSettings() string {
	return fmt.Sprintf("put, %d clients, %d conns, key %d B, value %d B, one key", refClients, refConns, refKeySize, refValSize)
}

// printCost prints every run of the client cost comparison, then the medians
// and their ratios.
func printCost(w io.Writer, res costResult, p plan) {
	fmt.Fprintf(w, "\na) Client cost vs etcd's benchmark: %s;\n   %d puts per run, the tools taking turns, %d runs each\n",
		refSettings(), p.costTotal, p.costRepeats)
	runs := newTable("run", "tool", "req/s", "p99 ms", "CPU µs/req", "peak RSS MB", "wall s")
	for i := range p.costRepeats {
		for _, name := range []string{nameEtcdtune, nameBenchmark} {
			r := res[name][i]
			runs.add(strconv.Itoa(i+1), name, f0(r.throughput), f2(r.p99), f1(r.cpuPerRequest()), mb(r.maxRSSKB), f1(r.wall.Seconds()))
		}
	}
	runs.print(w)
	fmt.Fprintln(w)
	med := newTable("median of "+strconv.Itoa(p.costRepeats), nameEtcdtune, nameBenchmark, "etcdtune/benchmark")
	for _, m := range []struct {
		name   string
		of     func(runStats) float64
		format func(float64) string
	}{
		{"throughput req/s", func(r runStats) float64 { return r.throughput }, f0},
		{"p99 latency ms", func(r runStats) float64 { return r.p99 }, f2},
		{"client CPU µs/req", runStats.cpuPerRequest, f1},
		{"peak RSS MB", func(r runStats) float64 { return float64(r.maxRSSKB) / 1024 }, f1},
	} {
		a, b := median(res[nameEtcdtune], m.of), median(res[nameBenchmark], m.of)
		med.add(m.name, m.format(a), m.format(b), f2(a/b))
	}
	med.print(w)
	fmt.Fprintln(w, "   CPU is user+sys of the whole process (start-up and clean-up included) / requests; RSS is ru_maxrss.")
}

// printMemory prints the peak RSS of the small and large runs of each tool.
func printMemory(w io.Writer, res memResult, p plan) {
	small, large := count(p.memSmall), count(p.memLarge)
	fmt.Fprintf(w, "\nb) Memory flatness: peak RSS with %s and with %s puts; %s\n", small, large, refSettings())
	t := newTable("tool", "RSS "+small+" MB", "RSS "+large+" MB", large+"/"+small, "CPU µs/req "+small, "CPU µs/req "+large, "note")
	for _, name := range []string{nameEtcdtune, nameBenchmark} {
		s, l := res[name][0], res[name][1]
		ratio := float64(l.maxRSSKB) / float64(s.maxRSSKB)
		t.add(name, mb(s.maxRSSKB), mb(l.maxRSSKB), f2(ratio), f1(s.cpuPerRequest()), f1(l.cpuPerRequest()), flatnessNote(name, ratio))
	}
	t.print(w)
}

// flatnessNote judges etcdtune's growth against its target and explains
// the reference's.
func flatnessNote(name string, ratio float64) string {
	switch {
	case name != nameEtcdtune:
		return "keeps every latency in a slice"
	case ratio <= flatnessTarget:
		return fmt.Sprintf("within the %.0f%% target", (flatnessTarget-1)*100)
	default:
		return fmt.Sprintf("OVER the %.0f%% target", (flatnessTarget-1)*100)
	}
}

// printSweep prints etcdtune's runs against its embedded etcd.
func printSweep(w io.Writer, res []runStats, p plan) {
	fmt.Fprintf(w, "\nc) etcdtune against its embedded etcd (same process, no --endpoints): put, key %d B, value %d B,\n   10000 keys, %s per run\n",
		refKeySize, refValSize, p.sweepFor)
	t := newTable("clients", "conns", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "CPU µs/op (client+server)", "peak RSS MB")
	for i, r := range res {
		c := p.sweepClients[i]
		t.add(strconv.Itoa(c), strconv.Itoa(min(c, refConns)), f0(r.throughput), f2(r.p50), f2(r.p99), f2(r.p999),
			f1(r.cpuPerRequest()), mb(r.maxRSSKB))
	}
	t.print(w)
}

// median is the median of a figure over runs.
func median[R any](runs []R, of func(R) float64) float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = of(r)
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// Number formats of the tables.
func f0(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
func mb(kb int64) string  { return f1(float64(kb) / 1024) }

// count writes a request count short: 100k, 1M.
func count(n int64) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.FormatInt(n/1_000_000, 10) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.FormatInt(n/1000, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}

// table is a plain text table, indented under its section's title: columns
// of numbers are right-aligned, the others left-aligned.
type table struct {
	rows [][]string // the header first
}

func newTable(header ...string) *table { return &table{rows: [][]string{header}} }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// print writes the table with columns two spaces apart.
func (t *table) print(w io.Writer) {
	widths := make([]int, len(t.rows[0]))
	numeric := make([]bool, len(t.rows[0]))
	for i := range numeric {
		numeric[i] = len(t.rows) > 1
	}
	for r, row := range t.rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
			if _, err := strconv.ParseFloat(c, 64); r > 0 && err != nil {
				numeric[i] = false
			}
		}
	}
	for _, row := range t.rows {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if numeric[i] {
				c = pad + c
			} else {
				c += pad
			}
			b.WriteString("  " + c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
