package runner

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// Collect passes the results of a distributed run to agent 0 through the
// etcd under test, so that the agents need no shared folder: once a run's
// result is written, every other agent publishes it under the run's
// barrier prefix (engine.RunResults) and agent 0 waits for them all, merges
// them with its own as `etcdtune merge` does, hands the merge to Merged and
// removes the results from etcd. Every agent of the run needs it (the pods
// of an Indexed Job share one command line); a nil Collect passes nothing.
type Collect struct {
	Agents engine.Agents
	Prefix string // the run's key prefix, under which the barrier is
	// Timeout is how long agent 0 waits for the others once its own run
	// ended; the results' lease outlives it by ResultLeaseSlack.
	Timeout   time.Duration
	ChunkSize int // 0: engine.ResultChunkSize
	// Merged takes agent 0's merge of run i of n.
	Merged func(merged *result.Result, i, n int) error
}

// ResultLeaseSlack is how much longer than the collect timeout a published
// result lives: agent 0 starts waiting when its own run ends, and the
// agents' runs end together (one barrier, one duration) give or take their
// cleanups, which this covers. A result agent 0 never reads (it died) goes
// with its lease then.
const ResultLeaseSlack = 2 * time.Minute

// collectPoll is how often agent 0 looks for the results still missing.
const collectPoll = 500 * time.Millisecond

func (c *Collect) results(run int) engine.RunResults {
	return engine.RunResults{Prefix: c.Prefix, Run: run}
}

// check refuses, before run's load, results a killed run left where this
// run's will go.
func (c *Collect) check(ctx context.Context, cl *clientv3.Client, run int) error {
	if c == nil {
		return nil
	}
	return c.results(run).CheckFree(ctx, cl)
}

// exchange publishes this agent's result of run i, or, on agent 0, gathers
// and merges the others'.
func (c *Collect) exchange(ctx context.Context, cl *clientv3.Client, res *result.Result, i, n int, note func(string)) error {
	if c == nil {
		return nil
	}
	rr := c.results(i)
	if c.Agents.Index != 0 {
		ttl := c.leaseTTL()
		if err := rr.Publish(ctx, cl, c.Agents.Index, res, ttl, c.ChunkSize); err != nil {
			if ctx.Err() != nil {
				return nil // interrupted: nothing stays (Publish revoked it)
			}
			return fmt.Errorf("--collect: %w", err)
		}
		note(fmt.Sprintf("--collect: result published under %s for agent 0 (it stays %v at most)", rr.Dir(), time.Duration(ttl)*time.Second))
		return nil
	}
	return c.gather(ctx, cl, rr, res, i, n, note)
}

// fail tells agent 0, from another agent, that run i failed with err (or
// its result could not be written), so that agent 0 stops waiting for it.
// Agent 0 itself has nothing to tell.
func (c *Collect) fail(ctx context.Context, cl *clientv3.Client, i int, err error, note func(string)) {
	if c == nil || c.Agents.Index == 0 || ctx.Err() != nil {
		return
	}
	rr := c.results(i)
	if perr := rr.PublishFailure(ctx, cl, c.Agents.Index, err.Error(), c.leaseTTL()); perr != nil {
		note(fmt.Sprintf("--collect: could not tell agent 0 that this run failed: %v", perr))
	}
}

func (c *Collect) leaseTTL() int64 { return int64((c.Timeout + ResultLeaseSlack) / time.Second) }

// gather is agent 0's side: wait for every other agent's result, merge,
// and remove from etcd what it read, whatever ends the wait.
func (c *Collect) gather(ctx context.Context, cl *clientv3.Client, rr engine.RunResults, own *result.Result, i, n int, note func(string)) (err error) {
	got := make([]*engine.PublishedResult, c.Agents.Count)
	defer func() {
		for _, p := range got {
			if rerr := p.Remove(ctx, cl); rerr != nil && err == nil {
				err = fmt.Errorf("--collect: %w", rerr)
			}
		}
	}()
	note(fmt.Sprintf("--collect: waiting up to %v for the results of agents 1 to %d under %s", c.Timeout, c.Agents.Count-1, rr.Dir()))
	deadline := time.Now().Add(c.Timeout)
	for {
		var missing []int
		for a := 1; a < c.Agents.Count; a++ {
			if got[a] != nil {
				continue
			}
			p, err := rr.Read(ctx, cl, a)
			got[a] = p // even one not whole: its keys are removed
			switch {
			case ctx.Err() != nil:
				return nil // interrupted: the run says so
			case err != nil:
				return fmt.Errorf("--collect: %w", err)
			case p == nil:
				missing = append(missing, a)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("--collect: no result from %s of %d within --collect-timeout %v: see their logs; a result that comes later goes with its lease within %v, or with etcdtune cleanup",
				agentList(missing), c.Agents.Count, c.Timeout, c.Timeout+ResultLeaseSlack)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(collectPoll):
		}
	}
	// Agent 0's own result as a reader of its JSON sees it, like the
	// others' (numbers as float64), so that merge compares like with like.
	mine, err := engine.RoundTrip(own)
	if err != nil {
		return fmt.Errorf("--collect: %w", err)
	}
	results := []*result.Result{mine}
	var size int
	for _, p := range got[1:] {
		results = append(results, p.Result)
		size += p.Bytes
	}
	merged, err := reports.Merge(results)
	if err != nil {
		return fmt.Errorf("--collect: %w", err)
	}
	note(fmt.Sprintf("--collect: merged the results of %d agents (%d KiB gzipped through etcd)", c.Agents.Count, (size+1023)/1024))
	return c.Merged(merged, i, n)
}

// agentList names the agents: "agent 2", "agents 1, 3".
func agentList(a []int) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = strconv.Itoa(v)
	}
	if len(a) == 1 {
		return "agent " + s[0]
	}
	return "agents " + strings.Join(s, ", ")
}
