package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// The agents of a distributed run pass their results to agent 0 through
// the etcd under test, beside the run's barrier, so that they need no
// shared folder. Agent I's result of run R is
//
//	<prefix>barrier/<R>/result/<I>/<n>        chunk n (000000, 000001, ...) of the gzipped result JSON
//	<prefix>barrier/<R>/result/<I>/complete   the manifest: chunks, size, sha256; put last
//
// every key put only if absent and on one lease of the agent's (granted
// with GrantLease, marked for the barrier prefix, so that `etcdtune
// cleanup` finds it). A reader looks for the manifest only: as it is put
// after every chunk, a reader that finds it finds the whole result, and the
// size and hash say it is the one the manifest describes.

// ResultChunkSize is the largest chunk of a published result: well under
// etcd's default request limit (--max-request-bytes, 1.5 MiB), with room
// for the key, the lease and the transaction around it. A result is a few
// hundred KiB of JSON before gzip, so most take one chunk.
const ResultChunkSize = 512 << 10

// resultManifestKey is the last key of a published result.
const resultManifestKey = "complete"

// resultEncoding says how the chunks' bytes are the result.
const resultEncoding = "gzip+json"

// RunResults are the agents' results of run Run (from 1) of a distributed
// benchmark under Prefix.
type RunResults struct {
	Prefix string
	Run    int
}

// barrier is the run's barrier prefix, which marks the results' leases.
func (r RunResults) barrier() string { return BarrierPrefix(r.Prefix, r.Run) }

// Dir is where the agents' results of the run go, under the run's barrier
// prefix (see BarrierPrefix) and apart from the barrier's entries.
func (r RunResults) Dir() string { return r.barrier() + "result/" }

// agentDir is agent index's part of Dir.
func (r RunResults) agentDir(index int) string { return r.Dir() + strconv.Itoa(index) + "/" }

func chunkKey(prefix string, n int) string { return fmt.Sprintf("%s%06d", prefix, n) }

// resultManifest is the value of the complete key.
type resultManifest struct {
	Chunks   int    `json:"chunks"`
	Size     int    `json:"size"` // bytes of the chunks together
	SHA256   string `json:"sha256"`
	Encoding string `json:"encoding"`
	// Error, instead of chunks, says the agent's run failed, so that agent
	// 0 stops waiting at once rather than at its timeout.
	Error string `json:"error,omitempty"`
}

// encodeResult is the result as the chunks carry it: gzipped JSON.
func encodeResult(res *result.Result) ([]byte, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if err := json.NewEncoder(zw).Encode(res); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func decodeResult(data []byte) (*result.Result, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return result.Read(zr)
}

// Publish puts agent index's result under the run's barrier prefix for
// agent 0 to gather (Read): the chunks of at most chunkSize bytes (0:
// ResultChunkSize), then the manifest, on a new lease of ttl seconds, which
// must outlive agent 0's wait so that the keys are there when it looks and
// vanish if it never does. A key already there is refused (another agent
// of this index, or a run killed earlier). Whatever stops the publishing
// halfway, Ctrl-C included, revokes the lease: no half result stays.
func (r RunResults) Publish(ctx context.Context, c *clientv3.Client, index int, res *result.Result, ttl int64, chunkSize int) (err error) {
	if chunkSize <= 0 {
		chunkSize = ResultChunkSize
	}
	data, err := encodeResult(res)
	if err != nil {
		return fmt.Errorf("publish result: %w", err)
	}
	lease, err := GrantLease(ctx, pb.NewLeaseClient(c.ActiveConnection()), r.barrier(), ttl)
	if err != nil {
		return fault.Target(fmt.Errorf("publish result: %w", err))
	}
	defer func() {
		if err != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
			c.Revoke(rctx, clientv3.LeaseID(lease.ID))
			cancel()
		}
	}()
	prefix := r.agentDir(index)
	sum := sha256.Sum256(data)
	m := resultManifest{Size: len(data), SHA256: hex.EncodeToString(sum[:]), Encoding: resultEncoding}
	for off := 0; off < len(data); off += chunkSize {
		if err := r.putAbsent(ctx, c, chunkKey(prefix, m.Chunks), data[off:min(off+chunkSize, len(data))], lease.ID); err != nil {
			return err
		}
		m.Chunks++
	}
	mv, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return r.putAbsent(ctx, c, prefix+resultManifestKey, mv, lease.ID)
}

// PublishFailure tells agent 0 that agent index's run failed with why: a
// manifest with no chunks, on a lease of ttl seconds as Publish's.
func (r RunResults) PublishFailure(ctx context.Context, c *clientv3.Client, index int, why string, ttl int64) (err error) {
	lease, err := GrantLease(ctx, pb.NewLeaseClient(c.ActiveConnection()), r.barrier(), ttl)
	if err != nil {
		return fault.Target(fmt.Errorf("publish failure: %w", err))
	}
	mv, err := json.Marshal(resultManifest{Encoding: resultEncoding, Error: why})
	if err == nil {
		err = r.putAbsent(ctx, c, r.agentDir(index)+resultManifestKey, mv, lease.ID)
	}
	if err != nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
		c.Revoke(rctx, clientv3.LeaseID(lease.ID))
		cancel()
	}
	return err
}

// putAbsent puts key on lease unless the key is there.
func (r RunResults) putAbsent(ctx context.Context, c *clientv3.Client, key string, value []byte, lease int64) error {
	txn, err := c.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, string(value), clientv3.WithLease(clientv3.LeaseID(lease)))).Commit()
	if err != nil {
		return fault.Target(fmt.Errorf("publish result: put %s: %w", key, err))
	}
	if !txn.Succeeded {
		return fault.Inputf("result key %q is already there: another agent runs with this --agent-index, or a run killed earlier left it; %s",
			key, CleanupHint(r.Prefix))
	}
	return nil
}

// CheckFree refuses a run whose results prefix holds keys already
// (a killed run's, within their lease), before any load: the agents' puts
// would be refused at the end, and agent 0 could take them for this run's.
func (r RunResults) CheckFree(ctx context.Context, c *clientv3.Client) error {
	p := r.Dir()
	resp, err := c.Get(ctx, p, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return fault.Target(fmt.Errorf("check %q: %w", p, err))
	}
	if resp.Count > 0 {
		return fault.Inputf("%d result keys are already under %q (a run killed earlier left them); %s", resp.Count, p, CleanupHint(r.Prefix))
	}
	return nil
}

// PublishedResult is one agent's result as Read found it, with the
// revision of each of its keys, so that Remove deletes only what was read.
type PublishedResult struct {
	Index   int
	Result  *result.Result
	Bytes   int // the published size, gzipped
	lease   int64
	barrier string // marks the lease
	revs    map[string]int64
}

// Read reads agent index's result: nil and
// no error while its manifest is not there yet; an error when the result
// found is not whole or not what its manifest says.
func (r RunResults) Read(ctx context.Context, c *clientv3.Client, index int) (*PublishedResult, error) {
	prefix := r.agentDir(index)
	resp, err := c.Get(ctx, prefix+resultManifestKey)
	if err != nil {
		return nil, fault.Target(fmt.Errorf("read agent %d's result: %w", index, err))
	}
	if len(resp.Kvs) == 0 {
		return nil, nil
	}
	mkv := resp.Kvs[0]
	var m resultManifest
	p := &PublishedResult{Index: index, lease: mkv.Lease, barrier: r.barrier(), revs: map[string]int64{string(mkv.Key): mkv.ModRevision}}
	if err := json.Unmarshal(mkv.Value, &m); err != nil || m.Encoding != resultEncoding || m.Chunks < 1 && m.Error == "" {
		return p, fmt.Errorf("agent %d's result manifest %s is not one this etcdtune reads (%q)", index, mkv.Key, mkv.Value)
	}
	if m.Error != "" {
		return p, fmt.Errorf("agent %d's run failed: %s", index, m.Error)
	}
	p.Bytes = m.Size
	var data bytes.Buffer
	for n := range m.Chunks {
		k := chunkKey(prefix, n)
		cr, err := c.Get(ctx, k)
		if err != nil {
			return p, fault.Target(fmt.Errorf("read agent %d's result: %w", index, err))
		}
		if len(cr.Kvs) == 0 || cr.Kvs[0].Lease != mkv.Lease {
			return p, fmt.Errorf("agent %d's result: chunk %s of %d is missing (its lease expired?)", index, k, m.Chunks)
		}
		p.revs[k] = cr.Kvs[0].ModRevision
		data.Write(cr.Kvs[0].Value)
	}
	sum := sha256.Sum256(data.Bytes())
	if data.Len() != m.Size || hex.EncodeToString(sum[:]) != m.SHA256 {
		return p, fmt.Errorf("agent %d's result is %d bytes with sha256 %x, its manifest says %d bytes with sha256 %s", index, data.Len(), sum, m.Size, m.SHA256)
	}
	if p.Result, err = decodeResult(data.Bytes()); err != nil {
		return p, fmt.Errorf("agent %d's result: %w", index, err)
	}
	return p, nil
}

// Remove deletes the result's keys, each only at the revision Read saw,
// then revokes the agent's lease. It runs after Ctrl-C too, so it does not
// wait on ctx's cancellation, only on CleanupTimeout.
func (p *PublishedResult) Remove(ctx context.Context, c *clientv3.Client) error {
	if p == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CleanupTimeout)
	defer cancel()
	for k, rev := range p.revs {
		if _, err := c.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(k), "=", rev)).Then(clientv3.OpDelete(k)).Commit(); err != nil {
			return fault.Target(fmt.Errorf("remove agent %d's result: %w", p.Index, err))
		}
	}
	if LeaseOf(p.lease, p.barrier) { // the agent's, as Publish granted it
		if _, err := c.Revoke(ctx, clientv3.LeaseID(p.lease)); err != nil && rpctypes.Error(err) != rpctypes.ErrLeaseNotFound {
			return fault.Target(fmt.Errorf("remove agent %d's result: revoke lease %x: %w", p.Index, p.lease, err))
		}
	}
	return nil
}

// RoundTrip is res as a reader of its JSON sees it (numbers of params as
// float64, ...), so that agent 0's own result merges like the others'.
func RoundTrip(res *result.Result) (*result.Result, error) {
	data, err := encodeResult(res)
	if err != nil {
		return nil, err
	}
	return decodeResult(data)
}
