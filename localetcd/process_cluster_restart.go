package localetcd

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// StartStopped starts every member that is not running again on its data
// dir and ports, as an existing member, with extraArgs added to its flags
// for this and every later restart (etcd keeps the last of a repeated
// flag, so "--election-timeout=2000" replaces the earlier value). It does
// not wait for the members: a cluster whose new timings cannot elect a
// leader never answers on its client ports. Call WaitReady to wait.
func (c *ProcessCluster) StartStopped(extraArgs ...string) error {
	var errs []error
	for _, m := range c.members {
		if m.Running() {
			continue
		}
		m.args = append(slices.Clone(m.args), extraArgs...)
		if err := m.start(existingClusterArgs(m.args)); err != nil {
			errs = append(errs, fmt.Errorf("restart etcd member %s: %w", m.name, err))
		}
	}
	return errors.Join(errs...)
}

// WaitReady waits, as StartProcessCluster does, until every member answers
// and a leader exists: after StartStopped, it says whether the new flags
// give a working cluster.
func (c *ProcessCluster) WaitReady(ctx context.Context) error { return c.waitReady(ctx) }
