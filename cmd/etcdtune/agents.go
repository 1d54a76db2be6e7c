package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/runner"
)

// This file holds what a distributed or repeated benchmark needs: the
// bench flags --agents, --agent-index and --repeat, where each agent's
// result goes, and --collect (runner.Collect: the agents' results passed
// to agent 0 through etcd and merged there).

// jobIndexEnv is set by Kubernetes in each pod of an Indexed Job.
const jobIndexEnv = "JOB_COMPLETION_INDEX"

// distOptions are the bench flags of a run split between agents or
// repeated.
type distOptions struct {
	agents         engine.Agents
	repeat         int
	barrierTimeout time.Duration
	collect        string
	collectTimeout time.Duration
}

// agentPlaceholder in --out stands for the agent's index, so that agents
// writing to one shared folder (a volume of an Indexed Job) do not collide.
const agentPlaceholder = "{agent}"

// collectStdout as --collect writes agent 0's merged result to stdout, as
// one line of JSON, and everything else to stderr: in Kubernetes, where
// the pod's log is the one output that outlives it.
const collectStdout = "-"

func (o *distOptions) addFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.agents.Count, "agents", 0, "agents sharing this benchmark (each gets rate/N and its own keys; they start together through a barrier in etcd)")
	fs.IntVar(&o.agents.Index, "agent-index", 0, "this agent, 0 to --agents - 1 (default: $"+jobIndexEnv+" when set, as in a Kubernetes Indexed Job)")
	fs.DurationVar(&o.barrierTimeout, "barrier-timeout", 5*time.Minute, "how long an agent waits for the others at the start barrier")
	fs.IntVar(&o.repeat, "repeat", 1, "runs in a row, results kept apart (--out r.json writes r-1.json ... r-N.json), for compare")
	fs.StringVar(&o.collect, "collect", "", "give every agent the same: the others pass their results to agent 0 through etcd, and agent 0 merges them into this file (\"-\": stdout, one line of JSON, everything else on stderr)")
	markOutputPath(fs, "collect", outputFileOrStdout)
	fs.DurationVar(&o.collectTimeout, "collect-timeout", 10*time.Minute, "how long agent 0 waits for the others' results with --collect (their results live this long plus 2m in etcd)")
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
	if o.collect != "" && !o.agents.Distributed() {
		return fmt.Errorf("--collect is for the agents of a run with --agents 2 or more")
	}
	if o.collect != "" && o.collectTimeout < time.Second {
		return fmt.Errorf("--collect-timeout must be at least 1s, got %v", o.collectTimeout)
	}
	if o.collect == collectStdout && o.repeat > 1 {
		return fmt.Errorf("--collect - writes one merged result to stdout; with --repeat %d give a file (r.json: r-1.json ... r-%d.json)", o.repeat, o.repeat)
	}
	return o.agents.Validate()
}

// stdout is where the run's own output goes: stderr when --collect - keeps
// stdout for the merged result.
func (o *distOptions) stdout(cmd *cobra.Command) io.Writer {
	if o.collect == collectStdout {
		return cmd.ErrOrStderr()
	}
	return cmd.OutOrStdout()
}

// agentOut is where agent index writes its result of run.
func (o *distOptions) agentOut(out string, index, run int) string {
	return o.outPath(strings.ReplaceAll(out, agentPlaceholder, strconv.Itoa(index)), run)
}

// collector is the runner's --collect, nil without it: agent 0 writes the
// merge of each run to --collect (r-1.json ... with --repeat) or stdout.
func (o *distOptions) collector(cmd *cobra.Command, prefix string) *runner.Collect {
	if o.collect == "" {
		return nil
	}
	return &runner.Collect{Agents: o.agents, Prefix: prefix, Timeout: o.collectTimeout,
		Merged: func(merged *result.Result, run, _ int) error {
			if o.collect == collectStdout {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(merged) // one line
			}
			return result.WriteFile(o.outPath(o.collect, run), merged)
		}}
}

// runner is the runner's side of the flags: the agents and their barrier.
func (o *distOptions) runner() *runner.Agents {
	return &runner.Agents{Agents: o.agents, BarrierTimeout: o.barrierTimeout}
}

// outPath is where run writes its result: --out itself for a single run,
// r-1.json ... r-N.json for --out r.json --repeat N.
func (o *distOptions) outPath(out string, run int) string {
	return runner.RepeatPath(out, run, o.repeat)
}
