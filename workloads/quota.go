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
	// QuotaBytes is the quota asked of the embedded etcd, for the result's
	// params.
	QuotaBytes int64
}

// RunQuota fills the cluster until the NOSPACE alarm with puts under the
// prefix, then recovers as etcd's maintenance guide says (compact to the
// current revision, defragment each member, disarm the alarm), timing each
// step, checks that a write goes through again and deletes its keys. It
// refuses a prefix that holds keys. It is destructive for everything else
// that writes to the cluster while the alarm is raised.
func RunQuota(ctx context.Context, c *clientv3.Client, endpoints []string, o QuotaOptions) (*result.QuotaStats, error) {
	wr, err := Quota(ctx, []*clientv3.Client{c}, endpoints, o)
	if wr == nil {
		return nil, err
	}
	return wr.Quota, err
}

// Quota is RunQuota's scenario as a workload's result: the fill runs
// through the engine (its figures are the fill's), the recovery's steps are
// in its Quota stats. A result comes back whenever the fill ran.
func Quota(ctx context.Context, clients []*clientv3.Client, endpoints []string, o QuotaOptions) (*result.Workload, error) {
	c := clients[0]
	// The whole prefix must be empty (no --force): the scenario writes its
	// fill keys and an after-recovery key, and deletes the prefix at the end,
	// which then removes only keys it created.
	f := &quotaFill{o: o}
	if err := engine.CheckRanges(ctx, c, o.Prefix, engine.WriteRanges(f), false); err != nil {
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
	wr, err := fillToQuota(ctx, clients, o, st)
	if wr == nil {
		return nil, err
	}
	wr.Quota = st
	if err != nil {
		return wr, err
	}
	alarms, err := c.AlarmList(ctx)
	if err != nil {
		return wr, fmt.Errorf("alarm list: %w", err)
	}
	for _, a := range alarms.Alarms {
		st.Alarms = append(st.Alarms, fmt.Sprintf("%x:%s", a.MemberID, a.Alarm))
	}
	st.DBSizeAtAlarm = maxDBSize(ctx, c, endpoints)
	if err := recoverQuota(ctx, c, endpoints, st); err != nil {
		return wr, err
	}
	st.DBSizeAfter = maxDBSize(ctx, c, endpoints)
	t0 := time.Now()
	if _, err := c.Put(ctx, o.Prefix+engine.AfterRecoveryKey, "ok"); err != nil {
		return wr, fmt.Errorf("write after recovery: %w", err)
	}
	st.FirstWriteAfterMs = float64(time.Since(t0).Microseconds()) / 1000
	return wr, nil
}

// fillToQuota overwrites o.Keys keys with o.Clients closed-loop writers in
// the engine until one gets NOSPACE, or another error, which ends the load
// (engine.ErrLoadDone); o.Timeout is the engine's duration.
func fillToQuota(ctx context.Context, clients []*clientv3.Client, o QuotaOptions, st *result.QuotaStats) (*result.Workload, error) {
	f := &quotaFill{o: o, val: strings.Repeat("q", o.ValSize), start: time.Now()}
	cfg := engine.Config{Clients: o.Clients, Duration: o.Timeout, RequestTimeout: o.RequestTimeout}
	wr, err := engine.Run(ctx, cfg, f, clients)
	if wr == nil {
		return nil, err
	}
	st.FillS = f.fillS
	st.Puts, st.BytesWritten = f.puts.Load(), f.puts.Load()*int64(o.ValSize)
	switch {
	case f.err != nil:
		return wr, f.err
	case st.FillS == 0:
		return wr, fmt.Errorf("no NOSPACE alarm after %v and %d puts (%d MB): the quota is larger than this run can fill", o.Timeout, st.Puts, st.BytesWritten>>20)
	}
	return wr, nil
}

// quotaFill is the fill as an engine workload: each writer overwrites its
// share of the keys until the cluster is full.
type quotaFill struct {
	o     QuotaOptions
	val   string
	start time.Time
	puts  atomic.Int64
	once  sync.Once
	fillS float64 // time to NOSPACE
	err   error   // the first other error, which ends the fill
}

func (f *quotaFill) Name() string    { return "quota" }
func (f *quotaFill) Kinds() []string { return []string{"put"} }
func (f *quotaFill) Keys() engine.KeySpec {
	return engine.KeySpec{Prefix: f.o.Prefix, Size: 8, Space: uint64(f.o.Keys)}
}
func (f *quotaFill) Prepare(context.Context, []*clientv3.Client) error { return nil }

// Params are the scenario's, as the result file has always said them.
func (f *quotaFill) Params() map[string]any {
	return map[string]any{"clients": f.o.Clients, "conns": 1, "val_size": f.o.ValSize, "keys": f.o.Keys,
		"quota_backend_bytes": f.o.QuotaBytes, "prefix": f.o.Prefix}
}

func (f *quotaFill) NewSender(id int, c *clientv3.Client) engine.Sender {
	return &quotaSender{f: f, c: c, i: id}
}

type quotaSender struct {
	f *quotaFill
	c *clientv3.Client
	i int
}

func (s *quotaSender) Send(ctx context.Context, _ time.Time) (int, error) {
	f := s.f
	_, err := s.c.Put(ctx, fmt.Sprintf("%s%08d", f.o.Prefix, s.i%f.o.Keys), f.val)
	s.i += f.o.Clients
	switch {
	case err == nil:
		f.puts.Add(1)
		return 0, nil
	case errors.Is(err, rpctypes.ErrNoSpace):
		f.once.Do(func() { f.fillS = time.Since(f.start).Seconds() })
	case ctx.Err() == nil:
		f.once.Do(func() { f.err = fmt.Errorf("fill: %w", err) })
	default:
		return 0, err
	}
	return 0, engine.ErrLoadDone
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
