package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/runner"
)

// defaultDuration is the measured window when neither --duration nor
// --total is given.
const defaultDuration = 10 * time.Second

func newBenchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Drive one kind of load against etcd and measure it",
		Args:  noArgs,
	}
	cmd.AddCommand(newBenchPutCommand(), newBenchRangeCommand(), newBenchTxnCommand(), newBenchLeaseCommand(), newBenchMixedCommand(), newBenchK8sCommand(), newBenchWatchCommand(), newBenchQuotaCommand())
	return cmd
}

// benchOptions are the flags every bench command shares: connection, load
// model, keys and output.
type benchOptions struct {
	conn connOptions
	// fixedWindows: the command's client must push back on etcd rather
	// than buffer (bench watch), see etcdconn.Options.FixedWindows.
	fixedWindows bool
	clients      int
	conns        int
	rate         float64
	maxInflight  int
	duration     time.Duration
	total        int64
	warmup       time.Duration
	keySize      int
	valSize      int
	keySpace     uint64
	keyDist      string
	zipfS        float64
	prefix       string
	seed         uint64
	force        bool
	output       string
	out          string
	cpuProfile   string
	dist         distOptions // --agents, --agent-index, --repeat (agents.go)
	guard        guardOptions
	findMax      *findMaxOptions // --find-max and its flags, on the kinds that take them (nil: not offered)
	// nodeSearch, when set, is the kind's own capacity search for
	// --find-max (bench k8s: over cluster sizes), built from the checked
	// search flags; it is checked before any load.
	nodeSearch func(fs *pflag.FlagSet, search runner.CapacityPhase) (runner.Phase, error)
}

func (o *benchOptions) addFlags(fs *pflag.FlagSet) {
	o.conn.addFlags(fs)
	fs.IntVar(&o.clients, "clients", 64, "closed loop: concurrent workers, each sending its next request when the last returns")
	fs.IntVar(&o.conns, "conns", 8, "gRPC connections; workers share them round-robin")
	fs.Float64Var(&o.rate, "rate", 0, "open loop: requests per second in total, sent on schedule whatever the server does (0: closed loop)")
	fs.IntVar(&o.maxInflight, "max-inflight", 10000, "open loop: most requests outstanding at once; reaching it is reported")
	fs.DurationVar(&o.duration, "duration", defaultDuration, "length of the measured window (after --warmup)")
	fs.Int64Var(&o.total, "total", 0, "measured requests to send, instead of --duration")
	fs.DurationVar(&o.warmup, "warmup", 0, "load sent before the measured window and kept out of the figures")
	fs.IntVar(&o.keySize, "key-size", 8, "digits of each key after the prefix")
	fs.IntVar(&o.valSize, "val-size", 256, "bytes of each value")
	fs.Uint64Var(&o.keySpace, "key-space", 10000, "number of distinct keys (1: one key)")
	fs.StringVar(&o.keyDist, "key-dist", engine.DistUniform, "which keys requests pick: seq, uniform or zipf")
	fs.Float64Var(&o.zipfS, "zipf-s", 1.1, "zipf exponent, over 1 (higher: fewer, hotter keys)")
	fs.StringVar(&o.prefix, "prefix", "/etcdtune/", "every key etcdtune writes is under this prefix")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the key choice and the values, for repeatable runs")
	fs.BoolVar(&o.force, "force", false, "run beside other keys under the prefix (the run's own key ranges must still be empty; it changes no key it did not create)")
	addOutputFlag(fs, &o.output, reports.ResultFormats, resultFileHelp)
	fs.StringVar(&o.out, "out", "", "also write the result file here")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a Go CPU profile of etcdtune itself here (for etcdtune's developers)")
	fs.MarkHidden("cpuprofile")
	markOutputPath(fs, "out", outputFile)
	markOutputPath(fs, "cpuprofile", outputFile)
	o.dist.addFlags(fs)
	o.guard.addFlags(fs)
}

func (o *benchOptions) keySpec() engine.KeySpec {
	return o.dist.agents.Keys(engine.KeySpec{Prefix: o.prefix, Size: o.keySize, Space: o.keySpace, Dist: o.keyDist, ZipfS: o.zipfS, Seed: o.seed})
}

// engineConfig checks the load flags and returns the engine's config.
func (o *benchOptions) engineConfig(fs *pflag.FlagSet) (engine.Config, error) {
	if err := o.dist.validate(fs); err != nil {
		return engine.Config{}, badInput(err)
	}
	if err := o.guard.validate(); err != nil {
		return engine.Config{}, badInput(err)
	}
	cfg := engine.Config{Clients: o.clients, Rate: o.dist.agents.Rate(o.rate), MaxInflight: o.maxInflight,
		Duration: o.duration, Total: o.total, Warmup: o.warmup, RequestTimeout: o.conn.commandTimeout}
	if o.total != 0 && !fs.Changed("duration") {
		cfg.Duration = 0
	}
	if err := cfg.Validate(); err != nil {
		return cfg, badInput(err)
	}
	switch {
	case o.conns < 1:
		return cfg, badInput(fmt.Errorf("--conns must be at least 1, got %d", o.conns))
	case o.rate == 0 && o.conns > o.clients:
		return cfg, badInput(fmt.Errorf("--conns %d is more than --clients %d: some connections would carry no load", o.conns, o.clients))
	case o.rate > 0 && o.conns > o.maxInflight:
		return cfg, badInput(fmt.Errorf("--conns %d is more than --max-inflight %d: some connections would carry no load", o.conns, o.maxInflight))
	}
	if err := reports.ResultFormats.Check(o.output); err != nil {
		return cfg, badInput(err)
	}
	return cfg, nil
}

// newBenchSubcommand completes doc, the help texts of one kind of load
// (and its PreRun, where a kind sets a default from the flags given), into
// `bench <kind>`: no arguments, the flags every bench shares on o, and a
// run of the workload newWorkload builds from the flags.
func newBenchSubcommand(doc *cobra.Command, o *benchOptions, newWorkload func() (engine.Workload, error)) *cobra.Command {
	cmd := newNoArgsCommand(doc, func(cmd *cobra.Command) error { return runBench(cmd, o, newWorkload) })
	o.addFlags(cmd.Flags())
	return cmd
}

// addPreloadFlag is --preload of the kinds that read what they wrote first.
func addPreloadFlag(fs *pflag.FlagSet, preload *uint64) {
	fs.Uint64Var(preload, "preload", 0, "keys written before the load (default: --key-space)")
}

// preloadKeySpace makes --preload, when not given, the whole key space, so
// that every read finds a key.
func preloadKeySpace(cmd *cobra.Command, preload *uint64, keySpace uint64) {
	if !cmd.Flags().Changed("preload") {
		*preload = keySpace
	}
}

// runBench runs one workload against the target of the flags and reports
// it: a plan of one workload phase. newWorkload validates the workload's
// own flags; every flag is checked before any load.
func runBench(cmd *cobra.Command, o *benchOptions, newWorkload func() (engine.Workload, error)) error {
	topts, err := o.conn.targetOptionsOf(cmd)
	if err != nil {
		return err
	}
	topts.FixedWindows = o.fixedWindows
	if err := o.findMax.check(cmd.Flags(), cmd.Name(), o); err != nil {
		return err
	}
	var nodeSearch runner.Phase
	if o.nodeSearch != nil && o.findMax.parsed != nil {
		if nodeSearch, err = o.nodeSearch(cmd.Flags(), *o.findMax.parsed); err != nil {
			return err
		}
	}
	cfg, err := o.engineConfig(cmd.Flags())
	if err != nil {
		return err
	}
	first, err := newWorkload()
	if err != nil {
		return badInput(err)
	}
	// The first run takes the workload built to check the flags; each
	// later one builds its own.
	build := func() (engine.Workload, error) {
		if wl := first; wl != nil {
			first = nil
			return wl, nil
		}
		wl, err := newWorkload()
		return wl, badInput(err)
	}
	notes := o.dist.stdout(cmd)
	if o.output != reports.FormatTable {
		notes = cmd.ErrOrStderr()
	}
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return badInput(err)
		}
		defer stop()
	}
	guard := o.guard.runner(cmd.ErrOrStderr())
	return runner.Execute(cmd.Context(), runner.Plan{
		Command: cmd.CommandPath(),
		Target: runner.Target{Options: topts, Conns: o.conns, EmbeddedNote: func(string, bool) string {
			return embeddedEtcdNote(topts)
		}},
		Phases: []runner.Phase{o.findMax.phase(runner.WorkloadPhase{Config: cfg, New: build, Force: o.force, Prefix: o.prefix,
			Guard: guard, Agents: o.dist.runner()}, nodeSearch)},
		Repeat:   o.dist.repeat,
		Output:   &benchOutput{cmd: cmd, o: o},
		Collect:  o.dist.collector(cmd, o.prefix),
		Observer: &benchObserver{notes: notes, stderr: cmd.ErrOrStderr()},
	})
}

// benchOutput prints each run's result in --output and writes it to --out
// (r-1.json ... with --repeat); --collect then passes it on (Plan.Collect).
// A run whose workload did not run writes nothing.
type benchOutput struct {
	cmd *cobra.Command
	o   *benchOptions
}

func (b *benchOutput) Write(res *result.Result, run, _ int, runErr error) error {
	if runErr != nil {
		return runErr
	}
	noteMixFits(res, b.cmd.ErrOrStderr())
	out := b.o.dist.agentOut(b.o.out, b.o.dist.agents.Index, run)
	return emit(b.o.dist.stdout(b.cmd), b.o.output, out, res)
}

// newResult starts the result file of a command.
func newResult(cmd *cobra.Command) *result.Result { return runner.NewResult(cmd.CommandPath()) }

// emit writes the result file if asked and prints the result in format.
func emit(w io.Writer, format, out string, res *result.Result) error {
	if out != "" {
		if err := result.WriteFile(out, res); err != nil {
			return err
		}
	}
	write, err := reports.ResultFormats.Writer(format)
	if err != nil {
		return badInput(err)
	}
	return write(w, res)
}
