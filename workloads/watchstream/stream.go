// Package watchstream runs many watches on etcd's raw gRPC Watch streams,
// at the cost of the stream rather than of the watch: one receive loop per
// stream decodes each response in gRPC's own buffer and hands it, routed by
// watch ID, to the caller's handler. No goroutine, channel or buffer per
// watch, and nothing queued in the client: a handler that falls behind
// stops the loop reading, gRPC's flow control then stops etcd sending, and
// etcd's slow-watcher handling takes over, as with a real slow consumer.
//
// clientv3's Watcher does the opposite (a goroutine and an unbounded
// buffer per watch), so that at tens of thousands of watches a benchmark
// on it measures mostly its own client.
package watchstream

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"google.golang.org/grpc"
)

// Handler takes one response of watch w: its index on the stream, in the
// order of Add, or -1 for a response of no watch (the answer to a progress
// request, for the whole stream). It runs in the stream's receive loop;
// r and its events are valid only during the call. now is when the
// response was received.
type Handler func(w int, r *Response, now time.Time)

// Stream is one gRPC Watch stream and the watches on it. Watches are
// created one at a time, each once etcd has answered the one before, as
// clientv3 does. When the stream breaks (a member stopped, lost its
// leader), the loop opens a new one and creates every watch again from
// the revision after the last one it received, so that the handler sees
// each event once; etcd's answer to a re-created watch is not passed on
// as a new creation.
type Stream struct {
	ctx    context.Context
	cancel context.CancelFunc
	conn   *grpc.ClientConn
	handle Handler
	done   chan struct{}

	sendMu   sync.Mutex // one sender at a time: the loop's creates, progress requests
	cs       grpc.ClientStream
	csCancel context.CancelFunc // ends cs, when the loop replaces it

	// Per watch, by index; after Start only the receive loop touches them.
	reqs     []pb.WatchCreateRequest
	next     []int64 // the revision to resume from, 0 until known
	created  []bool
	ended    []bool // cancelled by etcd: not created again
	creating int    // the watch whose creation is in flight, len(reqs) for none

	busyNs, waitNs atomic.Int64
	resumes        atomic.Int64
}

// watchDesc is etcd's Watch method: a bidirectional stream.
var watchDesc = grpc.StreamDesc{StreamName: "Watch", ServerStreams: true, ClientStreams: true}

const watchMethod = "/etcdserverpb.Watch/Watch"

// Resume back-off: how long the loop waits between attempts to open a new
// stream after one broke.
const (
	resumeFirstWait = 50 * time.Millisecond
	resumeMaxWait   = time.Second
)

// New returns a stream on conn whose watches live until ctx ends or Close.
// To require a leader, give a ctx from clientv3.WithRequireLeader.
func New(ctx context.Context, conn *grpc.ClientConn, h Handler) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	return &Stream{ctx: ctx, cancel: cancel, conn: conn, handle: h, done: make(chan struct{})}
}

// Add adds a watch, created once Start has created those before it, and
// returns its index. Its WatchId is set by the stream.
func (s *Stream) Add(req *pb.WatchCreateRequest) int {
	s.reqs = append(s.reqs, *req)
	s.next = append(s.next, 0)
	s.created = append(s.created, false)
	s.ended = append(s.ended, false)
	return len(s.reqs) - 1
}

// Start opens the gRPC stream, asks for the first watch and starts the
// receive loop.
func (s *Stream) Start() error {
	err := s.open()
	if err == nil {
		s.creating = s.nextToCreate(0)
		err = s.sendCreate()
	}
	if err != nil {
		s.cancel()
		close(s.done)
		return err
	}
	go s.run()
	return nil
}

// Close ends the stream and waits for its receive loop.
func (s *Stream) Close() {
	s.cancel()
	<-s.done
}

// Done is closed when the receive loop has ended.
func (s *Stream) Done() <-chan struct{} { return s.done }

// RequestProgress asks etcd for the stream's revision; it answers (with
// watch ID -1) once every watch on the stream has sent its events up to it.
func (s *Stream) RequestProgress() error {
	return s.send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_ProgressRequest{ProgressRequest: &pb.WatchProgressRequest{}}})
}

// Stats is what the receive loop did so far: the time it spent handling
// responses (decoding them and the handler) and waiting for gRPC to give
// the next one, and how often it opened the stream again.
type Stats struct {
	Busy, Wait time.Duration
	Resumes    int64
}

// Stats reads the loop's figures; safe while it runs.
func (s *Stream) Stats() Stats {
	return Stats{Busy: time.Duration(s.busyNs.Load()), Wait: time.Duration(s.waitNs.Load()), Resumes: s.resumes.Load()}
}

// open opens a gRPC stream and makes it the stream's, ending the one
// before.
func (s *Stream) open() error {
	ctx, cancel := context.WithCancel(s.ctx)
	cs, err := s.conn.NewStream(ctx, &watchDesc, watchMethod, grpc.ForceCodecV2(rawCodec{}), grpc.MaxCallRecvMsgSize(math.MaxInt32))
	if err != nil {
		cancel()
		return err
	}
	s.sendMu.Lock()
	if s.csCancel != nil {
		s.csCancel()
	}
	s.cs, s.csCancel = cs, cancel
	s.sendMu.Unlock()
	return nil
}

func (s *Stream) send(m *pb.WatchRequest) error {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	return s.cs.SendMsg(m)
}

// nextToCreate is the first watch from i on that is not cancelled, or
// len(reqs).
func (s *Stream) nextToCreate(i int) int {
	for i < len(s.reqs) && s.ended[i] {
		i++
	}
	return i
}

// sendCreate asks for the watch s.creating, if any, from where it left off.
func (s *Stream) sendCreate() error {
	i := s.creating
	if i >= len(s.reqs) {
		return nil
	}
	req := s.reqs[i]
	req.WatchId = int64(i) + 1 // 0 asks etcd to choose
	if s.next[i] > 0 {
		req.StartRevision = s.next[i]
	}
	return s.send(&pb.WatchRequest{RequestUnion: &pb.WatchRequest_CreateRequest{CreateRequest: &req}})
}

// run is the receive loop.
func (s *Stream) run() {
	defer close(s.done)
	defer s.cancel()
	var f frame
	var r Response
	mark := time.Now()
	for {
		err := s.cs.RecvMsg(&f)
		now := time.Now()
		s.waitNs.Add(int64(now.Sub(mark)))
		if err == nil {
			err = r.decode(f.bytes())
			if err == nil {
				err = s.route(&r, now)
			}
			f.release() // the events alias its buffers
		}
		if err != nil && !s.resume() {
			return
		}
		mark = time.Now()
		s.busyNs.Add(int64(mark.Sub(now)))
	}
}

// route keeps the stream's account of a response and hands it on.
func (s *Stream) route(r *Response, now time.Time) error {
	w := int(r.WatchID - 1)
	if w < 0 || w >= len(s.reqs) {
		if r.WatchID == -1 && r.Revision > 0 {
			s.progressed(r.Revision)
		}
		s.handle(-1, r, now)
		return nil
	}
	if r.NumEvents > 0 {
		s.next[w] = r.LastModRevision + 1
	}
	if r.Canceled {
		s.ended[w] = true
	}
	if r.Created {
		if s.next[w] == 0 && s.reqs[w].StartRevision == 0 {
			s.next[w] = r.Revision + 1 // from now on: after the revision it was created at
		}
		resumed := s.created[w]
		s.created[w] = true
		if w == s.creating {
			s.creating = s.nextToCreate(w + 1)
			if err := s.sendCreate(); err != nil {
				return err
			}
		}
		if resumed {
			r.Created = false
		}
	}
	s.handle(w, r, now)
	return nil
}

// progressed records that every created watch has sent its events up to
// rev.
func (s *Stream) progressed(rev int64) {
	for i := range s.reqs {
		if s.created[i] && !s.ended[i] {
			s.next[i] = max(s.next[i], rev+1)
		}
	}
}

// resume opens a new stream after the old one broke and asks again for
// the watches, until it succeeds or the stream is closed. It reports
// whether the loop may go on.
func (s *Stream) resume() bool {
	wait := resumeFirstWait
	for s.ctx.Err() == nil {
		if s.open() == nil {
			s.resumes.Add(1)
			s.creating = s.nextToCreate(0)
			if s.sendCreate() == nil {
				return true
			}
		}
		select {
		case <-s.ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, resumeMaxWait)
	}
	return false
}
