package runner

import (
	"context"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// Agents is a workload split between agents that start together through a
// barrier in etcd. A nil Agents, or one of one agent, is a run alone.
type Agents struct {
	engine.Agents
	BarrierTimeout time.Duration // how long an agent waits for the others
}

// enter waits at the start barrier of run when the run is distributed.
func (a *Agents) enter(ctx context.Context, c *clientv3.Client, prefix string, run int) (*engine.Barrier, time.Time, error) {
	if a == nil || !a.Distributed() {
		return nil, time.Time{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.BarrierTimeout)
	defer cancel()
	return engine.WaitBarrier(ctx, c, engine.BarrierPrefix(prefix, run), a.Agents)
}

// annotate records the agent and the barrier's release in the result, so
// that merge can check the agents started together.
func (a *Agents) annotate(wr *result.Workload, released time.Time) {
	if wr == nil || a == nil || !a.Distributed() {
		return
	}
	if wr.Params == nil {
		wr.Params = map[string]any{}
	}
	wr.Params[reports.ParamAgents] = a.Count
	wr.Params[reports.ParamAgentIndex] = a.Index
	wr.Params[reports.ParamBarrierReleased] = released.UTC().Format(time.RFC3339Nano)
}
