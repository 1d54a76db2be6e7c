package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// CleanupTimeout bounds the deletion of a run's keys, which must happen even
// after Ctrl-C, so it cannot wait on the run's context.
const CleanupTimeout = 30 * time.Second

// ErrPrepare begins the error of a workload that could not prepare its
// data ("prepare: ..."), so that a caller can tell it from an unusable
// target (errors.Is).
var ErrPrepare = errors.New("prepare")

// prepareError is "prepare: err". It keeps the mark err has (a watch
// history the cluster cannot give is bad input); unmarked, the target is
// unusable.
func prepareError(err error) error {
	err = fmt.Errorf("%w: %w", ErrPrepare, err)
	if fault.KindOf(err) == fault.Failed {
		return fault.Target(err)
	}
	return err
}

// Session runs one workload under etcdtune's rules for a cluster it does
// not own: it writes only under the prefix, refuses a prefix that holds
// keys unless Force, and deletes the keys it wrote at the end, whatever
// ended the run.
type Session struct {
	Config  Config
	Clients []*clientv3.Client
	Force   bool
}

// Run checks the prefix, prepares, drives the load and cleans up. A result
// comes back whenever the load ran, also when ctx was cancelled.
func (s Session) Run(ctx context.Context, wl Workload) (res *result.Workload, err error) {
	if err := s.Config.Validate(); err != nil {
		return nil, err
	}
	if len(s.Clients) == 0 {
		return nil, errors.New("no client connections")
	}
	keys := wl.Keys()
	if err := CheckPrefix(ctx, s.Clients[0], keys.Prefix, s.Force); err != nil {
		return nil, err
	}
	defer func() {
		if cerr := CleanupWorkload(context.WithoutCancel(ctx), s.Clients[0], wl); cerr != nil {
			if res != nil {
				res.Warnings = append(res.Warnings, cerr.Error())
			} else {
				err = errors.Join(err, cerr)
			}
		}
	}()
	if err := wl.Prepare(ctx, s.Clients); err != nil {
		return nil, prepareError(err)
	}
	return Run(ctx, s.Config, wl, s.Clients)
}

// CheckPrefix refuses a prefix that already holds keys, unless force.
func CheckPrefix(ctx context.Context, c *clientv3.Client, prefix string, force bool) error {
	resp, err := c.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return fmt.Errorf("check prefix %q: %w", prefix, err)
	}
	if resp.Count > 0 && !force {
		return fault.Targetf("prefix %q already holds %d keys; choose another --prefix, or pass --force to use it (keys of etcdtune's shape under it are deleted at the end)", prefix, resp.Count)
	}
	return nil
}

// Cleanup deletes every key of the spec's shape under its prefix, and
// nothing else.
func Cleanup(ctx context.Context, c *clientv3.Client, keys KeySpec) error {
	ctx, cancel := context.WithTimeout(ctx, CleanupTimeout)
	defer cancel()
	start, end := keys.Range()
	if _, err := c.Delete(ctx, start, clientv3.WithRange(end)); err != nil {
		return fmt.Errorf("could not delete etcdtune's keys under %q (%v); delete them with: etcdctl del %q %q", keys.Prefix, err, start, end)
	}
	return nil
}

// A RangeCleaner is a workload whose keys are not of the KeySpec's shape
// (bench k8s lays out <prefix>registry/<resource>/...): the Session deletes
// its CleanupRanges instead of the KeySpec's range. Every range must lie
// under the KeySpec's prefix; the Session deletes none that does not.
type RangeCleaner interface {
	CleanupRanges() []KeyRange
}

// KeyRange is the half-open key range [Start, End).
type KeyRange struct{ Start, End string }

// CleanupWorkload deletes what wl wrote: its KeySpec's range, or its own
// ranges if it is a RangeCleaner.
func CleanupWorkload(ctx context.Context, c *clientv3.Client, wl Workload) error {
	keys := wl.Keys()
	rc, ok := wl.(RangeCleaner)
	if !ok {
		return Cleanup(ctx, c, keys)
	}
	ctx, cancel := context.WithTimeout(ctx, CleanupTimeout)
	defer cancel()
	for _, r := range rc.CleanupRanges() {
		if err := r.under(keys.Prefix); err != nil {
			return err
		}
		if _, err := c.Delete(ctx, r.Start, clientv3.WithRange(r.End)); err != nil {
			return fmt.Errorf("could not delete etcdtune's keys under %q (%v); delete them with: etcdctl del %q %q", keys.Prefix, err, r.Start, r.End)
		}
	}
	return nil
}

// under checks that every key of the range starts with prefix. Keys that
// start with a prefix form one contiguous run in etcd's byte order, so a
// range whose two ends both start with it (and that is not empty) holds no
// other key.
func (r KeyRange) under(prefix string) error {
	if prefix == "" || len(r.Start) <= len(prefix) || !strings.HasPrefix(r.Start, prefix) ||
		!strings.HasPrefix(r.End, prefix) || r.End <= r.Start {
		return fmt.Errorf("refusing to delete [%q, %q): not a range under the prefix %q", r.Start, r.End, prefix)
	}
	return nil
}
