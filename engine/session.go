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
// not own: it writes only in its own key ranges under the prefix, which
// must be empty (a run never overwrites nor deletes a key it did not
// create), refuses a prefix that holds other keys unless Force, and
// deletes the keys it wrote at the end, whatever ended the run.
type Session struct {
	Config  Config
	Clients []*clientv3.Client
	Force   bool
}

// Run checks the ranges and the prefix, prepares, drives the load and
// cleans up. A result comes back whenever the load ran, also when ctx was
// cancelled.
func (s Session) Run(ctx context.Context, wl Workload) (res *result.Workload, err error) {
	if err := s.Config.Validate(); err != nil {
		return nil, err
	}
	if len(s.Clients) == 0 {
		return nil, errors.New("no client connections")
	}
	if err := CheckWorkload(ctx, s.Clients[0], wl, s.Force); err != nil {
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

// CleanupHint is the way out a refusal of a busy prefix names.
func CleanupHint(prefix string) string {
	return fmt.Sprintf("choose another --prefix, or, if an earlier etcdtune run left them, remove them with: etcdtune cleanup --prefix %q", prefix)
}

// CheckWorkload checks that wl may run: see CheckRanges.
func CheckWorkload(ctx context.Context, c *clientv3.Client, wl Workload, force bool) error {
	return CheckRanges(ctx, c, wl.Keys().Prefix, WriteRanges(wl), force)
}

// CheckRanges refuses a run whose key ranges hold a key (whatever force
// says: the run would overwrite it, and its cleanup delete it), and a
// prefix that holds any other key, unless force. Both are bad input
// (exit 2), as a --dir that holds files is: the cluster is usable, the
// --prefix chosen is not, and the way out is a flag (another --prefix,
// --force) or `etcdtune cleanup`. Both are read at one revision, at which
// the ranges are empty: the cleanup's range deletes then remove only keys
// created after it, the run's own.
func CheckRanges(ctx context.Context, c *clientv3.Client, prefix string, ranges []KeyRange, force bool) error {
	all, err := c.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return fmt.Errorf("check prefix %q: %w", prefix, err)
	}
	if all.Count == 0 {
		return nil
	}
	rev := all.Header.Revision
	for _, r := range ranges {
		if err := r.under(prefix); err != nil {
			return err
		}
		resp, err := c.Get(ctx, r.Start, clientv3.WithRange(r.End), clientv3.WithKeysOnly(), clientv3.WithLimit(1), clientv3.WithRev(rev))
		if err != nil {
			return fmt.Errorf("check prefix %q: %w", prefix, err)
		}
		if len(resp.Kvs) > 0 {
			return fault.Inputf("key %q is already in the range this run writes (%q to %q), and a run never overwrites a key it did not create, --force or not; %s",
				resp.Kvs[0].Key, r.Start, r.End, CleanupHint(prefix))
		}
	}
	if !force {
		return fault.Inputf("prefix %q already holds %d keys; %s, or pass --force to run beside them (a run never changes a key it did not create)",
			prefix, all.Count, CleanupHint(prefix))
	}
	return nil
}

// WriteRanges are the key ranges wl writes: its KeySpec's range, or its
// own ranges if it is a RangeCleaner.
func WriteRanges(wl Workload) []KeyRange {
	if rc, ok := wl.(RangeCleaner); ok {
		return rc.CleanupRanges()
	}
	start, end := wl.Keys().Range()
	return []KeyRange{{start, end}}
}

// A RangeCleaner is a workload whose keys are not of the KeySpec's shape
// (bench k8s lays out <prefix>registry/<resource>/...): the Session checks
// and deletes its CleanupRanges instead of the KeySpec's range. Every range
// must lie under the KeySpec's prefix; the Session deletes none that does
// not.
type RangeCleaner interface {
	CleanupRanges() []KeyRange
}

// KeyRange is the half-open key range [Start, End).
type KeyRange struct{ Start, End string }

// Cleanup deletes every key of the spec's range, for a run whose range
// was seen empty (CheckRanges).
func Cleanup(ctx context.Context, c *clientv3.Client, keys KeySpec) error {
	start, end := keys.Range()
	return deleteRanges(ctx, c, keys.Prefix, []KeyRange{{start, end}})
}

// CleanupWorkload deletes what wl wrote: its WriteRanges. CheckWorkload saw
// them empty before the run, so a range delete removes only keys created
// since, which only the run writes there.
func CleanupWorkload(ctx context.Context, c *clientv3.Client, wl Workload) error {
	return deleteRanges(ctx, c, wl.Keys().Prefix, WriteRanges(wl))
}

func deleteRanges(ctx context.Context, c *clientv3.Client, prefix string, ranges []KeyRange) error {
	ctx, cancel := context.WithTimeout(ctx, CleanupTimeout)
	defer cancel()
	for _, r := range ranges {
		if err := r.under(prefix); err != nil {
			return err
		}
		if _, err := c.Delete(ctx, r.Start, clientv3.WithRange(r.End)); err != nil {
			return fmt.Errorf("could not delete etcdtune's keys under %q (%v); delete them with: etcdtune cleanup --prefix %q --yes", prefix, err, prefix)
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
