package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/runner"
)

// This file holds what a distributed or repeated benchmark needs: the
// bench flags --agents, --agent-index and --repeat, where each agent's
// result goes, and agent 0's --collect (`etcdtune merge`'s join, in
// merge.go).

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

// collectPoll is how often agent 0 looks for the others' result files.
const collectPoll = 500 * time.Millisecond

func (o *distOptions) addFlags(fs *pflag.FlagSet) {
	fs.IntVar(&o.agents.Count, "agents", 0, "agents sharing this benchmark (each gets rate/N and its own keys; they start together through a barrier in etcd)")
	fs.IntVar(&o.agents.Index, "agent-index", 0, "this agent, 0 to --agents - 1 (default: $"+jobIndexEnv+" when set, as in a Kubernetes Indexed Job)")
	fs.DurationVar(&o.barrierTimeout, "barrier-timeout", 5*time.Minute, "how long an agent waits for the others at the start barrier")
	fs.IntVar(&o.repeat, "repeat", 1, "runs in a row, results kept apart (--out r.json writes r-1.json ... r-N.json), for compare")
	fs.StringVar(&o.collect, "collect", "", "agent 0: wait for every agent's --out in the shared path ("+agentPlaceholder+" in --out stands for the index) and merge them into this file")
	markOutputPath(fs, "collect", outputFile)
	fs.DurationVar(&o.collectTimeout, "collect-timeout", 10*time.Minute, "how long agent 0 waits for the others' results with --collect")
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
	if o.collect != "" && (!o.agents.Distributed() || o.agents.Index != 0) {
		return fmt.Errorf("--collect is for agent 0 of a run with --agents")
	}
	if o.collect != "" && o.collectTimeout <= 0 {
		return fmt.Errorf("--collect-timeout must be positive, got %v", o.collectTimeout)
	}
	return o.agents.Validate()
}

// validateOut checks that --collect has per-agent result files to read.
func (o *distOptions) validateOut(out string) error {
	if o.collect != "" && !strings.Contains(out, agentPlaceholder) {
		return fmt.Errorf("--collect needs --out with %s in it (e.g. /shared/agent-%s.json), so each agent writes its own file", agentPlaceholder, agentPlaceholder)
	}
	return nil
}

// agentOut is where agent index writes its result of run.
func (o *distOptions) agentOut(out string, index, run int) string {
	return o.outPath(strings.ReplaceAll(out, agentPlaceholder, strconv.Itoa(index)), run)
}

// collectResults is agent 0's last step with --collect: it waits until
// every agent's result of run is in the shared path (WriteFile renames a
// complete file into place, so a file that exists is whole), then merges
// them as `etcdtune merge` does.
func (o *distOptions) collectResults(ctx context.Context, out string, run int) error {
	if o.collect == "" {
		return nil
	}
	paths := make([]string, o.agents.Count)
	for i := range paths {
		paths[i] = o.agentOut(out, i, run)
	}
	deadline := time.Now().Add(o.collectTimeout)
	for {
		var missing []string
		for _, p := range paths {
			if _, err := os.Stat(p); err != nil {
				missing = append(missing, p)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("--collect: %d of %d agents' results still missing after %v, e.g. %s", len(missing), len(paths), o.collectTimeout, missing[0])
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(collectPoll):
		}
	}
	results, err := readResults(paths)
	if err != nil {
		return err
	}
	merged, err := reports.Merge(results)
	if err != nil {
		return fmt.Errorf("--collect: %w", err)
	}
	return result.WriteFile(o.outPath(o.collect, run), merged)
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
