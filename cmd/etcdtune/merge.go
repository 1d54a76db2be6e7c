package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/workloads"
)

// This file holds what a distributed or repeated benchmark needs: the
// bench flags --agents, --agent-index and --repeat, and `etcdtune merge`,
// which joins the agents' results into one.

// jobIndexEnv is set by Kubernetes in each pod of an Indexed Job.
const jobIndexEnv = "JOB_COMPLETION_INDEX"

// distOptions are the bench flags of a run split between agents or
// repeated.
type distOptions struct {
	agents         workloads.Agents
	repeat         int
	barrierTimeout time.Duration
}

func (o *distOptions) addFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.agents.Count, "agents", 0, "agents sharing this benchmark (each gets rate/N and its own keys; they start together through a barrier in etcd)")
	fs.IntVar(&o.agents.Index, "agent-index", 0, "this agent, 0 to --agents - 1 (default: $"+jobIndexEnv+" when set, as in a Kubernetes Indexed Job)")
	fs.DurationVar(&o.barrierTimeout, "barrier-timeout", 5*time.Minute, "how long an agent waits for the others at the start barrier")
	fs.IntVar(&o.repeat, "repeat", 1, "runs in a row, results kept apart (--out r.json writes r-1.json ... r-N.json), for compare")
}

func (o *distOptions) validate(fs *pflag.FlagSet) error {
	if v, ok := os.LookupEnv(jobIndexEnv); ok && !fs.Changed("agent-index") {
		i, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("$%s %q is not an agent index", jobIndexEnv, v)
		}
		o.agents.Index = i
	}
	if o.repeat < 1 {
		return fmt.Errorf("--repeat must be at least 1, got %d", o.repeat)
	}
	if o.agents.Distributed() && o.barrierTimeout <= 0 {
		return fmt.Errorf("--barrier-timeout must be positive, got %v", o.barrierTimeout)
	}
	return o.agents.Validate()
}

// enter waits at the start barrier of run when the run is distributed.
func (o *distOptions) enter(ctx context.Context, c *clientv3.Client, prefix string, run int) (*workloads.Barrier, time.Time, error) {
	if !o.agents.Distributed() {
		return nil, time.Time{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, o.barrierTimeout)
	defer cancel()
	return workloads.WaitBarrier(ctx, c, workloads.BarrierPrefix(prefix, run), o.agents)
}

// annotate records the agent and the barrier's release in the result, so
// that merge can check the agents started together.
func (o *distOptions) annotate(wr *workloads.Result, released time.Time) {
	if wr == nil || !o.agents.Distributed() {
		return
	}
	if wr.Params == nil {
		wr.Params = map[string]any{}
	}
	wr.Params[reports.ParamAgents] = o.agents.Count
	wr.Params[reports.ParamAgentIndex] = o.agents.Index
	wr.Params[reports.ParamBarrierReleased] = released.UTC().Format(time.RFC3339Nano)
}

// outPath is where run writes its result: --out itself for a single run,
// r-1.json ... r-N.json for --out r.json --repeat N.
func (o *distOptions) outPath(out string, run int) string {
	if out == "" || o.repeat == 1 {
		return out
	}
	ext := filepath.Ext(out)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(out, ext), run, ext)
}

type mergeOptions struct {
	out    string
	output string
}

func newMergeCommand() *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:     "merge RESULT.json RESULT.json...",
		Short:   "Join the results of several agents of one distributed benchmark into one",
		Example: `  etcdtune merge agent-0.json agent-1.json agent-2.json --out merged.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			return badInput(cobra.MinimumNArgs(2)(cmd, args))
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runMerge(cmd, o, args) },
	}
	cmd.Flags().StringVar(&o.out, "out", "", "write the merged result file here")
	cmd.Flags().StringVarP(&o.output, "output", "o", outputTable, "output format: table or json (the result file)")
	return cmd
}

func runMerge(cmd *cobra.Command, o *mergeOptions, paths []string) error {
	if o.output != outputTable && o.output != outputJSON {
		return badInput(fmt.Errorf("unknown --output %q: use table or json", o.output))
	}
	results, err := readResults(paths)
	if err != nil {
		return err
	}
	merged, err := reports.Merge(results)
	if err != nil {
		return badInput(err)
	}
	return emit(cmd.OutOrStdout(), o.output, o.out, merged)
}

// readResults reads result files; a file that is not one is bad input.
func readResults(paths []string) ([]*reports.Result, error) {
	var rs []*reports.Result
	for _, p := range paths {
		r, err := reports.ReadFile(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, badInput(fmt.Errorf("result %s does not exist", p))
			}
			return nil, badInput(err)
		}
		rs = append(rs, r)
	}
	return rs, nil
}
