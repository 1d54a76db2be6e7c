package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Shapes of the keys an etcdtune run writes under its prefix, as
// Leftovers counts them. A key of none of them is not etcdtune's, and
// cleanup leaves it.
const (
	ShapeKeys    = "keys"         // <prefix><digits>: put, range, txn, mixed, lease, watch, quota
	ShapeAgent   = "agent keys"   // <prefix>agent-<i>/ and a key of a shape under it
	ShapeBarrier = "barrier keys" // <prefix>barrier/<run>/<agent>
	ShapeResult  = "result keys"  // <prefix>barrier/<run>/result/<agent>/<chunk> and .../complete (RunResults)
	ShapeProbe   = "probe keys"   // <prefix>capacity-settle, <prefix>after-recovery
	ShapeK8s     = "k8s "         // <prefix>registry/<resource>/...: "k8s <resource>"
)

// RegistryDir is where bench k8s lays out its objects under the prefix.
const RegistryDir = "registry/"

// The single keys a run puts under the prefix and deletes at once: the
// capacity search's settle put, the quota scenario's write after recovery.
const (
	SettleKey        = "capacity-settle"
	AfterRecoveryKey = "after-recovery"
)

var probeKeys = map[string]bool{SettleKey: true, AfterRecoveryKey: true}

// Leftovers is what earlier etcdtune runs left under a prefix: keys of
// etcdtune's shapes and the leases etcdtune granted for it (marked IDs,
// see LeaseID) whose keys all lie under the prefix.
type Leftovers struct {
	Prefix string
	Counts map[string]int64 // keys per shape
	Leases []int64
	keys   []string
}

// Keys is the number of keys found, of every shape.
func (l *Leftovers) Keys() int64 { return int64(len(l.keys)) }

// Shapes are the shapes found, sorted.
func (l *Leftovers) Shapes() []string {
	s := make([]string, 0, len(l.Counts))
	for k := range l.Counts {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// FindLeftovers lists the keys under prefix page by page and the cluster's
// leases, and keeps what is etcdtune's; it changes nothing.
func FindLeftovers(ctx context.Context, c *clientv3.Client, prefix string) (*Leftovers, error) {
	if prefix == "" {
		return nil, fmt.Errorf("--prefix must not be empty: etcdtune writes only under its own prefix")
	}
	l := &Leftovers{Prefix: prefix, Counts: map[string]int64{}}
	owners := map[string]bool{prefix: true} // prefixes a lease may be marked for
	start, end := prefix, clientv3.GetPrefixRangeEnd(prefix)
	for {
		resp, err := c.Get(ctx, start, clientv3.WithRange(end), clientv3.WithKeysOnly(), clientv3.WithLimit(1000))
		if err != nil {
			return nil, fmt.Errorf("list %q: %w", prefix, err)
		}
		for _, kv := range resp.Kvs {
			k := string(kv.Key)
			shape, owner := shapeOf(k[len(prefix):])
			if shape == "" {
				continue
			}
			l.Counts[shape]++
			l.keys = append(l.keys, k)
			owners[prefix+owner] = true
		}
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		start = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
	leases, err := c.Leases(ctx)
	if err != nil {
		return nil, fmt.Errorf("list leases: %w", err)
	}
	for _, ls := range leases.Leases {
		id := int64(ls.ID)
		if !LeaseMarked(id) || !leaseOfAny(id, owners) {
			continue
		}
		ttl, err := c.TimeToLive(ctx, ls.ID, clientv3.WithAttachedKeys())
		if err != nil {
			return nil, fmt.Errorf("lease %x: %w", id, err)
		}
		under := true
		for _, k := range ttl.Keys {
			under = under && strings.HasPrefix(string(k), prefix)
		}
		if under {
			l.Leases = append(l.Leases, id)
		}
	}
	return l, nil
}

func leaseOfAny(id int64, owners map[string]bool) bool {
	for p := range owners {
		if LeaseOf(id, p) {
			return true
		}
	}
	return false
}

// shapeOf names the shape of a key by what follows the prefix, "" for a
// key that is not etcdtune's, and the sub-prefix ("" or "agent-3/" or
// "barrier/2/", for the barrier's entries and the results alike) whose
// hash marks the leases of keys of that shape.
func shapeOf(rest string) (shape, owner string) {
	switch {
	case digits(rest):
		return ShapeKeys, ""
	case probeKeys[rest]:
		return ShapeProbe, ""
	case strings.HasPrefix(rest, RegistryDir):
		res, _, ok := strings.Cut(rest[len(RegistryDir):], "/")
		if !ok || res == "" {
			return "", ""
		}
		return ShapeK8s + res, ""
	case strings.HasPrefix(rest, "barrier/"):
		run, agent, ok := strings.Cut(rest[len("barrier/"):], "/")
		if !ok || !digits(run) {
			return "", ""
		}
		if r, ok := strings.CutPrefix(agent, "result/"); ok {
			i, part, ok := strings.Cut(r, "/")
			if !ok || !digits(i) || !digits(part) && part != resultManifestKey {
				return "", ""
			}
			return ShapeResult, "barrier/" + run + "/"
		}
		if !digits(agent) {
			return "", ""
		}
		return ShapeBarrier, "barrier/" + run + "/"
	case strings.HasPrefix(rest, "agent-"):
		i, sub, ok := strings.Cut(rest[len("agent-"):], "/")
		if !ok || !digits(i) {
			return "", ""
		}
		if s, _ := shapeOf(sub); s == "" || s == ShapeAgent || s == ShapeBarrier {
			return "", ""
		}
		return ShapeAgent, "agent-" + i + "/"
	}
	return "", ""
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// cleanupBatch is how many deletes go in one Txn: below etcd's default
// --max-txn-ops of 128.
const cleanupBatch = 100

// Remove revokes the leases (which deletes their keys) and deletes the
// keys found, each by its name: no range delete, so a key under the prefix
// that is not of etcdtune's shape stays, whatever its name sorts beside.
func (l *Leftovers) Remove(ctx context.Context, c *clientv3.Client) error {
	for _, id := range l.Leases {
		if _, err := c.Revoke(ctx, clientv3.LeaseID(id)); err != nil && rpctypes.Error(err) != rpctypes.ErrLeaseNotFound {
			return fmt.Errorf("revoke lease %x: %w", id, err)
		}
	}
	for i := 0; i < len(l.keys); i += cleanupBatch {
		batch := l.keys[i:min(i+cleanupBatch, len(l.keys))]
		ops := make([]clientv3.Op, len(batch))
		for j, k := range batch {
			ops[j] = clientv3.OpDelete(k)
		}
		if _, err := c.Txn(ctx).Then(ops...).Commit(); err != nil {
			return fmt.Errorf("delete keys under %q: %w", l.Prefix, err)
		}
	}
	return nil
}
