package workloads

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/result"
)

// QuotaOptions shape the quota scenario.
type QuotaOptions struct {
	Prefix  string
	ValSize int // bytes of each value; large values reach the quota in few requests
	// Keys is how many keys are overwritten again and again: the space
	// goes to history, which compaction can give back, as in etcd's own
	// space-quota walkthrough.
	Keys    int
	Clients int
	// Timeout bounds the whole fill (a large quota takes long).
	Timeout        time.Duration
	RequestTimeout time.Duration
}

// RunQuota fills the cluster until the NOSPACE alarm with puts under the
// prefix, then recovers as etcd's maintenance guide says (compact to the
// current revision, defragment each member, disarm the alarm), timing each
// step, checks that a write goes through again and deletes its keys. It
// refuses a prefix that holds keys. It is destructive for everything else
// that writes to the cluster while the alarm is raised.
func RunQuota(ctx context.Context, c *clientv3.Client, endpoints []string, o QuotaOptions) (*result.QuotaStats, error) {
	if err := engine.CheckPrefix(ctx, c, o.Prefix, false); err != nil {
		return nil, err
	}
	st := &result.QuotaStats{DefragS: map[string]float64{}}
	// Whatever happens, the alarm is disarmed and the keys deleted: a
	// cluster left read-only would be the worst outcome of this command.
	defer func() {
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), engine.CleanupTimeout)
		defer cancel()
		c.Delete(bg, o.Prefix, clientv3.WithPrefix())
		if r, err := c.Get(bg, o.Prefix, clientv3.WithPrefix(), clientv3.WithCountOnly()); err == nil {
			st.PrefixEmpty = r.Count == 0
		}
	}()
	if err := fillToQuota(ctx, c, o, st); err != nil {
		return st, err
	}
	alarms, err := c.AlarmList(ctx)
	if err != nil {
		return st, fmt.Errorf("alarm list: %w", err)
	}
	for _, a := range alarms.Alarms {
		st.Alarms = append(st.Alarms, fmt.Sprintf("%x:%s", a.MemberID, a.Alarm))
	}
	st.DBSizeAtAlarm = maxDBSize(ctx, c, endpoints)
	if err := recoverQuota(ctx, c, endpoints, st); err != nil {
		return st, err
	}
	st.DBSizeAfter = maxDBSize(ctx, c, endpoints)
	t0 := time.Now()
	if _, err := c.Put(ctx, o.Prefix+"after-recovery", "ok"); err != nil {
		return st, fmt.Errorf("write after recovery: %w", err)
	}
	st.FirstWriteAfterMs = float64(time.Since(t0).Microseconds()) / 1000
	return st, nil
}

// fillToQuota overwrites o.Keys keys with o.Clients writers until one gets
// NOSPACE.
func fillToQuota(ctx context.Context, c *clientv3.Client, o QuotaOptions, st *result.QuotaStats) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	val := strings.Repeat("q", o.ValSize)
	var n atomic.Int64
	var once sync.Once
	var firstErr error
	var full atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; !full.Load() && ctx.Err() == nil; i += o.Clients {
				rctx, rcancel := context.WithTimeout(ctx, o.RequestTimeout)
				_, err := c.Put(rctx, fmt.Sprintf("%s%08d", o.Prefix, i%o.Keys), val)
				rcancel()
				switch {
				case err == nil:
					n.Add(1)
				case errors.Is(err, rpctypes.ErrNoSpace):
					once.Do(func() { st.FillS = time.Since(start).Seconds() })
					full.Store(true)
				case ctx.Err() == nil:
					once.Do(func() { firstErr = fmt.Errorf("fill: %w", err) })
					full.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	st.Puts, st.BytesWritten = n.Load(), n.Load()*int64(o.ValSize)
	switch {
	case firstErr != nil:
		return firstErr
	case st.FillS == 0:
		return fmt.Errorf("no NOSPACE alarm after %v and %d puts (%d MB): the quota is larger than this run can fill", o.Timeout, st.Puts, st.BytesWritten>>20)
	}
	return nil
}

// recoverQuota is etcd's documented recovery, each step timed.
func recoverQuota(ctx context.Context, c *clientv3.Client, endpoints []string, st *result.QuotaStats) error {
	start := time.Now()
	resp, err := c.Get(ctx, "x") // any key: the header carries the revision
	if err != nil {
		return fmt.Errorf("read revision: %w", err)
	}
	t0 := time.Now()
	if _, err := c.Compact(ctx, resp.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		return fmt.Errorf("compact to %d: %w", resp.Header.Revision, err)
	}
	st.CompactS = time.Since(t0).Seconds()
	for _, ep := range endpoints {
		t0 = time.Now()
		if _, err := c.Defragment(ctx, ep); err != nil {
			return fmt.Errorf("defragment %s: %w", ep, err)
		}
		st.DefragS[ep] = time.Since(t0).Seconds()
	}
	t0 = time.Now()
	alarms, err := c.AlarmList(ctx)
	if err != nil {
		return fmt.Errorf("alarm list: %w", err)
	}
	for _, a := range alarms.Alarms {
		if a.Alarm != etcdserverpb.AlarmType_NOSPACE {
			continue
		}
		if _, err := c.AlarmDisarm(ctx, (*clientv3.AlarmMember)(a)); err != nil {
			return fmt.Errorf("alarm disarm: %w", err)
		}
	}
	st.DisarmS = time.Since(t0).Seconds()
	st.RecoveryS = time.Since(start).Seconds()
	return nil
}

func maxDBSize(ctx context.Context, c *clientv3.Client, endpoints []string) int64 {
	var m int64
	for _, ep := range endpoints {
		if s, _, err := etcdconn.Status(ctx, c, ep); err == nil {
			m = max(m, s.DBSizeBytes)
		}
	}
	return m
}
