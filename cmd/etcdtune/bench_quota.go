package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/runner"
	"github.com/etcdtune/etcdtune/workloads"
)

// quotaOptions are the flags of bench quota.
type quotaOptions struct {
	conn             connOptions
	quotaBytes       int64
	valSize          int
	keys             int
	clients          int
	prefix           string
	allowDestructive bool
	fillTimeout      time.Duration
	output, out      string
}

func newBenchQuotaCommand() *cobra.Command {
	o := &quotaOptions{}
	cmd := newNoArgsCommand(&cobra.Command{
		Use:   "quota",
		Short: "Fill the backend quota until the NOSPACE alarm, then time etcd's documented recovery (compact, defragment, disarm)",
		Long: "Without --endpoints it runs on an embedded etcd with a small --quota-backend-bytes. On a cluster it needs " +
			"--allow-destructive: while the alarm is raised every client of that cluster can only read and delete.",
	}, o.run)
	fs := cmd.Flags()
	o.conn.addFlags(fs)
	fs.Int64Var(&o.quotaBytes, "quota-backend-bytes", 16<<20, "the embedded etcd's backend quota (on a cluster, its own quota applies)")
	fs.IntVar(&o.valSize, "val-size", 64<<10, "bytes of each value written")
	fs.IntVar(&o.keys, "keys", 8, "keys overwritten again and again (the space goes to history, which compaction gives back)")
	fs.IntVar(&o.clients, "clients", 4, "concurrent writers")
	fs.StringVar(&o.prefix, "prefix", "/etcdtune/", "every key etcdtune writes is under this prefix")
	fs.BoolVar(&o.allowDestructive, "allow-destructive", false, "allow running on a cluster given by --endpoints (it becomes read-only until the recovery)")
	fs.DurationVar(&o.fillTimeout, "fill-timeout", 5*time.Minute, "give up filling after this long")
	addOutputFlag(fs, &o.output, reports.ResultFormats, resultFileHelp)
	fs.StringVar(&o.out, "out", "", "also write the result file here")
	markOutputPath(fs, "out", outputFile)
	return cmd
}

func (o *quotaOptions) validate(endpoints []string) error {
	switch {
	case len(endpoints) > 0 && !o.allowDestructive:
		return fmt.Errorf("bench quota raises the NOSPACE alarm, which makes the cluster read-only until recovered: pass --allow-destructive to run it on --endpoints")
	case o.quotaBytes < 1<<20:
		return fmt.Errorf("--quota-backend-bytes must be at least 1 MiB, got %d", o.quotaBytes)
	case o.valSize < 1 || o.valSize > 1<<20:
		return fmt.Errorf("--val-size must be 1 to 1048576 bytes (under etcd's 1.5 MiB request limit), got %d", o.valSize)
	case o.keys < 1:
		return fmt.Errorf("--keys must be at least 1, got %d", o.keys)
	case o.clients < 1:
		return fmt.Errorf("--clients must be at least 1, got %d", o.clients)
	case o.fillTimeout <= 0:
		return fmt.Errorf("--fill-timeout must be positive, got %v", o.fillTimeout)
	case o.prefix == "" || o.prefix == "/":
		return fmt.Errorf("--prefix %q would cover the whole key space", o.prefix)
	}
	return reports.ResultFormats.Check(o.output)
}

// run is a plan of one phase, the quota scenario, on a target of one
// connection (an embedded etcd with the small quota without --endpoints).
func (o *quotaOptions) run(cmd *cobra.Command) error {
	topts, err := o.conn.targetOptionsOf(cmd)
	if err != nil {
		return err
	}
	if err := o.validate(topts.Endpoints); err != nil {
		return badInput(err)
	}
	if len(topts.Endpoints) == 0 {
		topts.QuotaBackendBytes = o.quotaBytes
	}
	phase := &quotaPhase{o: o}
	return runner.Execute(cmd.Context(), runner.Plan{
		Command: cmd.CommandPath(),
		Target: runner.Target{Options: topts, Conns: 1, EmbeddedNote: func(string, bool) string {
			return fmt.Sprintf("no --endpoints: starting an embedded etcd %s with --quota-backend-bytes %d", buildinfo.EtcdVersion(), o.quotaBytes)
		}},
		Phases:   []runner.Phase{phase},
		Output:   quotaOutput{cmd, o, phase},
		Observer: &benchObserver{notes: cmd.ErrOrStderr(), stderr: cmd.ErrOrStderr()},
	})
}

// quotaPhase fills the quota through the engine and times the recovery.
type quotaPhase struct {
	o       *quotaOptions
	refused bool // the preflight refused the cluster: nothing to report
}

func (*quotaPhase) Steps() int { return 1 }

func (p *quotaPhase) Run(ctx context.Context, s *runner.State) error {
	t, o := s.Target, p.o
	c := t.Clients()[0]
	if t.Embedded() == nil {
		// Never start from an alarm or a leaderless cluster.
		if err := engine.NewGuard(c, t.Endpoints(), engine.DefaultGuardLimits).Preflight(ctx); err != nil {
			p.refused = true
			return err
		}
	}
	wr, err := workloads.Quota(ctx, t.Clients(), t.Endpoints(), workloads.QuotaOptions{Prefix: o.prefix, ValSize: o.valSize,
		Keys: o.keys, Clients: o.clients, Timeout: o.fillTimeout, RequestTimeout: o.conn.commandTimeout, QuotaBytes: o.quotaBytes})
	if wr != nil {
		s.Result.Workloads = append(s.Result.Workloads, wr)
		if err != nil {
			wr.EndReason = result.EndFailed
			wr.Warnings = append(wr.Warnings, err.Error())
		}
	}
	return err
}

// quotaOutput prints and writes the result, failed or not, then the
// recovery's steps in a table.
type quotaOutput struct {
	cmd   *cobra.Command
	o     *quotaOptions
	phase *quotaPhase
}

func (q quotaOutput) Write(res *result.Result, _, _ int, runErr error) error {
	if q.phase.refused {
		return runErr
	}
	if err := emit(q.cmd.OutOrStdout(), q.o.output, q.o.out, res); err != nil {
		return err
	}
	if q.o.output == reports.FormatTable && len(res.Workloads) > 0 && res.Workloads[0].Quota != nil {
		writeQuotaSteps(q.cmd.OutOrStdout(), res.Workloads[0].Quota)
	}
	if runErr != nil {
		return fmt.Errorf("bench quota: %w", runErr)
	}
	return nil
}

func writeQuotaSteps(w io.Writer, st *result.QuotaStats) {
	fmt.Fprintf(w, "  fill\t%.2f s to NOSPACE: %d puts, %d MB, db %d MB, alarms %v\n", st.FillS, st.Puts, st.BytesWritten>>20, st.DBSizeAtAlarm>>20, st.Alarms)
	fmt.Fprintf(w, "  compact\t%.3f s\n", st.CompactS)
	for ep, s := range st.DefragS {
		fmt.Fprintf(w, "  defrag\t%.3f s  %s\n", s, ep)
	}
	fmt.Fprintf(w, "  disarm\t%.3f s\n", st.DisarmS)
	fmt.Fprintf(w, "  recovery\t%.3f s in all; db %d MB after; first write %.1f ms; prefix empty: %v\n", st.RecoveryS, st.DBSizeAfter>>20, st.FirstWriteAfterMs, st.PrefixEmpty)
}
