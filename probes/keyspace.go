package probes

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// Defaults of the keyspace probe: pages small enough that one read never
// holds up the server, at a rate that leaves it almost all its time.
const (
	DefaultKeyspacePrefix   = "/registry/"
	DefaultKeyspacePageSize = 500
	DefaultKeyspaceRate     = 10 // pages per second
	DefaultKeyspaceTop      = 10
	// NearLimitBytes marks an object near etcd's 1.5 MiB request limit
	// (--max-request-bytes): at 1 MiB, an object has a third of its room
	// left to grow before writes of it start failing.
	NearLimitBytes = 1 << 20
	// eventsGroup is where Kubernetes keeps events (core and events.k8s.io).
	eventsGroup = "events"
)

// KeyspaceOptions say what the keyspace probe reads, and how gently.
type KeyspaceOptions struct {
	Prefix   string  // root to read; default DefaultKeyspacePrefix
	Fallback bool    // if Prefix holds nothing, read the whole keyspace by top-level segment
	PageSize int64   // keys per read
	Rate     float64 // reads per second
	Sample   int64   // stop after this many keys; 0 reads them all
	Top      int     // largest objects to list
}

func (o KeyspaceOptions) withDefaults() KeyspaceOptions {
	if o.PageSize == 0 {
		o.PageSize = DefaultKeyspacePageSize
	}
	if o.Rate == 0 {
		o.Rate = DefaultKeyspaceRate
	}
	if o.Top == 0 {
		o.Top = DefaultKeyspaceTop
	}
	return o
}

// Validate checks the options as given.
func (o KeyspaceOptions) Validate() error {
	switch {
	case o.PageSize < 1 || o.PageSize > 10000:
		return fault.Inputf("--page-size must be between 1 and 10000, got %d", o.PageSize)
	case o.Rate <= 0:
		return fault.Inputf("--rate must be positive, got %v", o.Rate)
	case o.Sample < 0:
		return fault.Inputf("--sample must not be negative, got %d", o.Sample)
	case o.Top < 1:
		return fault.Inputf("--top must be at least 1, got %d", o.Top)
	}
	return nil
}

// Keyspace reads what the cluster holds under o.Prefix, read-only and
// gently: serializable reads (answered by the member itself, no Raft
// round), o.PageSize keys at a time, at most o.Rate reads per second, all
// at the revision of the first read so that the pages are one snapshot.
func Keyspace(ctx context.Context, c *clientv3.Client, o KeyspaceOptions) (*result.Keyspace, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	ks, err := scanKeyspace(ctx, c, o, o.Prefix)
	if err == nil && ks.Keys == 0 && o.Fallback && o.Prefix != "" {
		ks, err = scanKeyspace(ctx, c, o, "")
	}
	if err != nil {
		return nil, fmt.Errorf("keyspace probe: %w", err)
	}
	return ks, nil
}

func scanKeyspace(ctx context.Context, c *clientv3.Client, o KeyspaceOptions, root string) (*result.Keyspace, error) {
	s := newKeyspaceScan(root, o.Top)
	limiter := newPacer(o.Rate)
	key, end := root, clientv3.GetPrefixRangeEnd(root)
	if root == "" {
		key, end = "\x00", "\x00" // the whole keyspace
	}
	for {
		if err := limiter.Wait(ctx); err != nil {
			return nil, err
		}
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(o.PageSize), clientv3.WithSerializable()}
		if s.ks.Revision > 0 {
			opts = append(opts, clientv3.WithRev(s.ks.Revision))
		}
		resp, err := c.Get(ctx, key, opts...)
		if errors.Is(err, rpctypes.ErrCompacted) {
			return nil, fmt.Errorf("revision %d was compacted during the scan; run again or use a smaller --sample", s.ks.Revision)
		}
		if err != nil {
			return nil, err
		}
		s.ks.Reads++
		if s.ks.Revision == 0 {
			s.ks.Revision = resp.Header.Revision
		}
		for _, kv := range resp.Kvs {
			if o.Sample > 0 && s.ks.Keys >= o.Sample {
				s.ks.Sampled = true
				return s.finish(), nil
			}
			s.add(string(kv.Key), int64(len(kv.Value)))
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return s.finish(), nil
		}
		key = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00" // the next key after the last one
	}
}

// keyspaceScan accumulates a scan.
type keyspaceScan struct {
	ks     *result.Keyspace
	groups map[string]*result.KeyspaceGroup
	top    int
}

func newKeyspaceScan(root string, top int) *keyspaceScan {
	return &keyspaceScan{ks: &result.Keyspace{Prefix: root}, groups: map[string]*result.KeyspaceGroup{}, top: top}
}

func (s *keyspaceScan) add(key string, valueBytes int64) {
	g := s.groups[groupOf(s.ks.Prefix, key)]
	if g == nil {
		g = &result.KeyspaceGroup{Prefix: groupOf(s.ks.Prefix, key)}
		s.groups[g.Prefix] = g
	}
	g.Keys++
	g.KeyBytes += int64(len(key))
	g.ValueBytes += valueBytes
	g.MaxValue = max(g.MaxValue, valueBytes)
	s.ks.Keys++
	s.ks.KeyBytes += int64(len(key))
	s.ks.ValueBytes += valueBytes
	s.ks.Largest = keepLargest(s.ks.Largest, result.KeyspaceKey{Key: key, Bytes: valueBytes}, s.top)
	if valueBytes >= NearLimitBytes {
		s.ks.NearLimit = append(s.ks.NearLimit, result.KeyspaceKey{Key: key, Bytes: valueBytes})
	}
}

// keepLargest keeps the n largest objects, largest first.
func keepLargest(top []result.KeyspaceKey, k result.KeyspaceKey, n int) []result.KeyspaceKey {
	if len(top) == n && top[n-1].Bytes >= k.Bytes {
		return top
	}
	i, _ := slices.BinarySearchFunc(top, k, func(a, b result.KeyspaceKey) int { return cmp.Compare(b.Bytes, a.Bytes) })
	top = slices.Insert(top, i, k)
	return top[:min(len(top), n)]
}

// groupOf is the group of key under root: root and the next segment, as
// /registry/pods/. A Kubernetes API group (a segment with a dot, as
// /registry/apiextensions.k8s.io/customresourcedefinitions/) takes the
// resource segment too. A key without a further / is its own group's
// "(other)".
func groupOf(root, key string) string {
	rest := strings.TrimPrefix(key, root)
	start := 0
	if root == "" && strings.HasPrefix(rest, "/") {
		start = 1 // a top-level segment: /foo/ of /foo/bar
	}
	i := strings.IndexByte(rest[start:], '/')
	if i < 0 {
		return root + "(other)"
	}
	seg := rest[:start+i+1]
	if strings.Contains(seg, ".") {
		if j := strings.IndexByte(rest[len(seg):], '/'); j >= 0 {
			seg = rest[:len(seg)+j+1]
		}
	}
	return root + seg
}

func (s *keyspaceScan) finish() *result.Keyspace {
	ks := s.ks
	for _, g := range s.groups {
		ks.Groups = append(ks.Groups, *g)
	}
	slices.SortFunc(ks.Groups, func(a, b result.KeyspaceGroup) int {
		return cmp.Or(cmp.Compare(b.KeyBytes+b.ValueBytes, a.KeyBytes+a.ValueBytes), strings.Compare(a.Prefix, b.Prefix))
	})
	if ev := s.groups["/registry/"+eventsGroup+"/"]; ev != nil && ks.Keys > 0 {
		ks.EventKeysPct = 100 * float64(ev.Keys) / float64(ks.Keys)
		ks.EventBytesPct = 100 * float64(ev.KeyBytes+ev.ValueBytes) / float64(ks.KeyBytes+ks.ValueBytes)
	}
	if ks.Largest == nil {
		ks.Largest = []result.KeyspaceKey{}
	}
	if ks.NearLimit == nil {
		ks.NearLimit = []result.KeyspaceKey{}
	}
	return ks
}
