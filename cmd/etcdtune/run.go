package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/advisor"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/runner"
)

type runOptions struct {
	conn        connOptions
	preset      string
	quick       bool
	dir         string
	force       bool
	failOn      string
	writeP99    time.Duration
	prefix      string
	diskPath    string
	metricsURLs []string
	repeat      int
}

func newRunCommand() *cobra.Command {
	o := &runOptions{}
	cmd := newNoArgsCommand(&cobra.Command{
		Use:   "run",
		Short: "The sizing run: probe the host, disk and network, load etcd with a standard suite, and give verdicts, settings and a report",
		Long: `run probes the host, the disk (fsync, throughput), the round trips and the
cluster, then runs a standard suite of workloads (put at the preset's rate,
range, watch, mixed, the Kubernetes profile) sized by --preset, as etcdctl
check perf's loads: s 50 clients 150 writes/s, m 200 1000/s, l 500 8000/s,
xl 1000 15000/s. It judges disk, network, throughput, latency and stability
(PASS, WARN, FAIL), advises the settings, and writes result.json and
report.html into --dir. Without --endpoints it starts an embedded etcd
whose data dir is on the disk of the current folder (or --data-dir).`,
		Example: `  etcdtune run --quick
  etcdtune run --preset m --dir ./sizing-m
  etcdtune run --endpoints https://10.0.0.1:2379 --cacert ca.crt --preset l --fail-on fail`,
	}, o.run)
	fs := cmd.Flags()
	o.conn.addFlags(fs)
	fs.StringVar(&o.preset, "preset", runner.DefaultPreset, "load to size for, as etcdctl check perf: "+strings.Join(runner.PresetNames(), ", "))
	fs.BoolVar(&o.quick, "quick", false, "short phases and a smaller fsync probe: done within a minute, for a first look or CI")
	fs.StringVar(&o.dir, "dir", "etcdtune-report", "folder for result.json and the report; an existing one that holds files is refused without --force")
	markOutputPath(fs, "dir", outputFolder)
	fs.BoolVar(&o.force, "force", false, "overwrite the files of an earlier run in --dir")
	fs.StringVar(&o.failOn, "fail-on", "", "exit 1 when a verdict is at this level or worse: warn or fail (for CI)")
	fs.DurationVar(&o.writeP99, "write-p99", time.Duration(advisor.DefaultWriteP99PassMs)*time.Millisecond,
		"the latency verdict: PASS when the p99 of writes at the preset's rate is under this, WARN under 4 times it")
	fs.StringVar(&o.prefix, "prefix", "/etcdtune/", "every key the run writes is under this prefix (refused if it holds keys)")
	fs.StringVar(&o.diskPath, "disk-path", "", "folder for the fsync and disk probes (default: the embedded etcd's data dir; with --endpoints, none)")
	markOutputPath(fs, "disk-path", outputInFolder)
	addMetricsURLsFlag(cmd, &o.metricsURLs)
	fs.IntVar(&o.repeat, "repeat", 1, "whole runs in a row, each in its own folder (--dir D writes D-1 ... D-N), for compare")
	return cmd
}

func (o *runOptions) run(cmd *cobra.Command) error {
	opts, failOn, err := o.options(cmd)
	if err != nil {
		return err
	}
	if o.repeat < 1 {
		return badInput(fmt.Errorf("--repeat must be at least 1, got %d", o.repeat))
	}
	// Every run's folder is checked before any load: one that cannot be
	// used is refused before minutes of load rather than after.
	out := &runOutput{cmd: cmd, failOn: failOn}
	for i := 1; i <= o.repeat; i++ {
		dir := runner.RepeatPath(o.dir, i, o.repeat)
		created, err := runner.PrepareDir(dir, o.force)
		if err != nil {
			out.removeUnused()
			return err
		}
		out.dirs = append(out.dirs, dir)
		out.created = append(out.created, created)
	}
	out.written = make([]bool, len(out.dirs))
	plan := runner.SizingPlan(opts)
	plan.Repeat, plan.Output = o.repeat, out
	if o.repeat > 1 {
		// Repeated runs keep their results apart, one folder each, so that
		// compare can judge the spread; the first failing check ends them.
		plan.BeforeRun = func(i, n int) { fmt.Fprintf(cmd.ErrOrStderr(), "run %d of %d into %s\n", i, n, out.dirs[i-1]) }
	}
	err = runner.Execute(cmd.Context(), plan)
	out.removeUnused()
	return err
}

// runOutput writes each sizing run into its folder: result.json and the
// report, then the verdicts on stdout.
type runOutput struct {
	cmd     *cobra.Command
	failOn  string
	dirs    []string // run i's folder is dirs[i-1]
	created []bool   // whether the folder is new
	written []bool
}

func (r *runOutput) Write(res *result.Result, i, _ int, runErr error) error {
	dir := r.dirs[i-1]
	r.written[i-1] = true
	if err := runner.WriteOutputs(dir, res); err != nil {
		return errors.Join(runErr, err)
	}
	if runErr != nil {
		fmt.Fprintf(r.cmd.ErrOrStderr(), "the partial result is in %s\n", dir)
		return runErr
	}
	if err := reports.WriteVerdictWithReport(r.cmd.OutOrStdout(), res, filepath.Join(dir, reports.ReportFile)); err != nil {
		return err
	}
	return failOnError(res, r.failOn)
}

// removeUnused removes the new folders of runs that measured nothing, so
// that the next try is not refused.
func (r *runOutput) removeUnused() {
	for i, dir := range r.dirs {
		if r.created[i] && (i >= len(r.written) || !r.written[i]) {
			os.Remove(dir)
		}
	}
}

// options checks the flags and maps them to the sizing run's options.
func (o *runOptions) options(cmd *cobra.Command) (runner.Options, string, error) {
	topts, err := o.conn.targetOptionsOf(cmd)
	if err != nil {
		return runner.Options{}, "", err
	}
	preset, err := runner.LookupPreset(o.preset)
	if err != nil {
		return runner.Options{}, "", badInput(err)
	}
	failOn, err := runner.ParseFailOn(o.failOn)
	if err != nil {
		return runner.Options{}, "", badInput(err)
	}
	switch {
	case o.writeP99 <= 0:
		return runner.Options{}, "", badInput(fmt.Errorf("--write-p99 must be positive, got %v", o.writeP99))
	case o.prefix == "":
		return runner.Options{}, "", badInput(fmt.Errorf("--prefix must not be empty: etcdtune writes only under its own prefix"))
	}
	if o.diskPath != "" {
		if fi, err := os.Stat(o.diskPath); err != nil || !fi.IsDir() {
			return runner.Options{}, "", badInput(fmt.Errorf("--disk-path %s is not a folder", o.diskPath))
		}
	}
	plan := runner.FullTiming()
	if o.quick {
		plan = runner.QuickTiming()
	}
	return runner.Options{Preset: preset, Timing: plan, Target: topts, Command: cmd.CommandPath(), Prefix: o.prefix,
		DiskDir: o.diskPath, MetricsURLs: o.metricsURLs, WriteP99LimitMs: float64(o.writeP99) / float64(time.Millisecond),
		Observer: newRunObserver(cmd.ErrOrStderr())}, failOn, nil
}

// failOnError is exit 1 when a verdict is at --fail-on's level or worse.
// An interrupted run is not judged: Ctrl-C exits 130.
func failOnError(res *result.Result, level string) error {
	if res.EndReason == result.EndInterrupted {
		return nil
	}
	bad := runner.AtOrAbove(res.Advice, level)
	if len(bad) == 0 {
		return nil
	}
	var areas []string
	for _, v := range bad {
		areas = append(areas, v.Area+" "+v.Level)
	}
	return fault.Checkf("--fail-on %s: %s", strings.ToLower(level), strings.Join(areas, ", "))
}
