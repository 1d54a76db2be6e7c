package k8s

import (
	"context"
	"fmt"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/engine"
)

// listCursor is a paginated list in progress: the key its next page starts
// at and the revision of its first page, which every later page reads at,
// as the apiserver's continue token carries them.
type listCursor struct {
	next []byte
	rev  int64
}

// nextPage reads the next page of the list of [start, end): linearizable
// (the apiserver reads etcd without Serializable), limit keys, at the
// cursor's revision after the first page. It says whether the list is
// complete; the cursor is reset when it is, or on an error (the apiserver's
// list fails then and its client starts over).
func (cur *listCursor) nextPage(ctx context.Context, kv pb.KVClient, req *pb.RangeRequest, start, end []byte, limit int64) (resp *pb.RangeResponse, done bool, err error) {
	req.Key, req.RangeEnd, req.Limit, req.Revision = start, end, limit, cur.rev
	if cur.rev != 0 {
		req.Key = cur.next
	}
	resp, err = kv.Range(ctx, req, engine.CallOptions...)
	if err != nil {
		cur.rev = 0
		return nil, false, err
	}
	n := len(resp.Kvs)
	if !resp.More || n == 0 {
		cur.rev = 0
		return resp, true, nil
	}
	if cur.rev == 0 {
		cur.rev = resp.Header.Revision
	}
	// The continuation starts just after the last key returned.
	cur.next = append(append(cur.next[:0], resp.Kvs[n-1].Key...), 0)
	return resp, false, nil
}

// listPage reads one page of a list of resource r.
func (s *k8sSender) listPage(ctx context.Context, r int) error {
	start := []byte(s.w.names.resourcePrefix(r))
	resp, done, err := s.cursor[r].nextPage(ctx, s.kv, &s.list, start, prefixEnd(start), s.w.opts.ListLimit)
	if err != nil {
		return err
	}
	c := &s.w.counters[r]
	c.listPages.Add(1)
	c.listedObjects.Add(int64(len(resp.Kvs)))
	if done {
		c.listsCompleted.Add(1)
	}
	return nil
}

// prefixEnd is the end of the range of keys that start with p ("/" + 1 =
// "0"), as clientv3.GetPrefixRangeEnd.
func prefixEnd(p []byte) []byte {
	return []byte(clientv3.GetPrefixRangeEnd(string(p)))
}

// List lists resource (e.g. "pods") of the profile under prefix as the
// apiserver does from etcd: linearizable pages of limit objects, each after
// the first at the first page's revision. It returns the keys in the order
// read, the number of pages and the revision the list reflects.
func List(ctx context.Context, c *clientv3.Client, prefix, resource string, limit int64) (keys []string, pages int, rev int64, err error) {
	start := []byte(prefix + engine.RegistryDir + resource + "/")
	end := prefixEnd(start)
	kv := pb.NewKVClient(c.ActiveConnection())
	var cur listCursor
	var req pb.RangeRequest
	for {
		resp, done, err := cur.nextPage(ctx, kv, &req, start, end, limit)
		if err != nil {
			return nil, pages, 0, fmt.Errorf("list %s page %d: %w", resource, pages+1, err)
		}
		if pages++; pages == 1 {
			rev = resp.Header.Revision
		}
		for _, kv := range resp.Kvs {
			keys = append(keys, string(kv.Key))
		}
		if done {
			return keys, pages, rev, nil
		}
	}
}
