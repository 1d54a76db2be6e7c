package watchstream

import (
	"errors"
	"fmt"
	"iter"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/etcdtune/etcdtune/engine"
)

// Event is one event of a response, as on the wire. Key and Value alias
// gRPC's receive buffer: they are valid only during the handler's call.
type Event struct {
	Delete      bool
	Key, Value  []byte
	ModRevision int64
}

// Response is one WatchResponse, decoded in place: the fields a watcher
// needs, and its events read from the message one at a time (Events), so
// that neither a batch of thousands of events (a watcher catching up) nor
// a single one costs an allocation. The stream reuses it for every
// response.
type Response struct {
	WatchID         int64
	Revision        int64 // the header's: the store's revision when etcd sent it
	Created         bool
	Canceled        bool
	CompactRevision int64
	CancelReason    string
	NumEvents       int
	LastModRevision int64 // of the last event, 0 without events

	raw []byte // the message, for Events
	ev  Event  // the event Events yields
}

// Events yields the response's events in order. The Event is the same one
// each time, overwritten: copy what must outlive the step.
func (r *Response) Events() iter.Seq[*Event] {
	return func(yield func(*Event) bool) {
		_ = eachField(r.raw, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
			if num != respEvents || typ != protowire.BytesType {
				return nil
			}
			r.ev = Event{}
			_ = r.ev.decode(data) // decode checked it
			if !yield(&r.ev) {
				return errStop
			}
			return nil
		})
	}
}

var errStop = errors.New("stop")

// Field numbers of etcd's messages (api/etcdserverpb/rpc.proto,
// api/mvccpb/kv.proto) that the decoder reads.
const (
	respHeader          = 1
	respWatchID         = 2
	respCreated         = 3
	respCanceled        = 4
	respCompactRevision = 5
	respCancelReason    = 6
	respEvents          = 11
	headerRevision      = 3
	eventType           = 1
	eventKV             = 2
	kvKey               = 1
	kvModRevision       = 3
	kvValue             = 5
	eventTypeDelete     = 1
)

var errTruncated = errors.New("watch response: truncated field")

// decode fills r from b, the wire form of a WatchResponse, and checks its
// events. Unknown fields (prev_kv, fragment, and any later ones) are
// skipped.
func (r *Response) decode(b []byte) error {
	*r = Response{raw: b}
	return eachField(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch {
		case num == respHeader && typ == protowire.BytesType:
			return eachField(data, func(num protowire.Number, typ protowire.Type, v uint64, _ []byte) error {
				if num == headerRevision && typ == protowire.VarintType {
					r.Revision = int64(v)
				}
				return nil
			})
		case num == respWatchID && typ == protowire.VarintType:
			r.WatchID = int64(v)
		case num == respCreated && typ == protowire.VarintType:
			r.Created = v != 0
		case num == respCanceled && typ == protowire.VarintType:
			r.Canceled = v != 0
		case num == respCompactRevision && typ == protowire.VarintType:
			r.CompactRevision = int64(v)
		case num == respCancelReason && typ == protowire.BytesType:
			r.CancelReason = string(data)
		case num == respEvents && typ == protowire.BytesType:
			r.ev = Event{}
			if err := r.ev.decode(data); err != nil {
				return err
			}
			r.NumEvents++
			r.LastModRevision = r.ev.ModRevision
		}
		return nil
	})
}

func (e *Event) decode(b []byte) error {
	return eachField(b, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
		switch {
		case num == eventType && typ == protowire.VarintType:
			e.Delete = v == eventTypeDelete
		case num == eventKV && typ == protowire.BytesType:
			return eachField(data, func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error {
				switch {
				case num == kvKey && typ == protowire.BytesType:
					e.Key = data
				case num == kvModRevision && typ == protowire.VarintType:
					e.ModRevision = int64(v)
				case num == kvValue && typ == protowire.BytesType:
					e.Value = data
				}
				return nil
			})
		}
		return nil
	})
}

// eachField calls f with every field of the message b: a varint field's
// value in v, a length-delimited one's bytes in data; other wire types are
// skipped.
func eachField(b []byte, f func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("watch response: %w", protowire.ParseError(n))
		}
		b = b[n:]
		var v uint64
		var data []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return errTruncated
		}
		b = b[n:]
		if err := f(num, typ, v, data); err != nil {
			return err
		}
	}
	return nil
}

// rawCodec sends etcd's requests with the engine's codec and receives a
// message as gRPC's own buffers, referenced rather than copied, for the
// stream to decode in place.
type rawCodec struct{ engine.Codec }

var _ encoding.CodecV2 = rawCodec{}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	f, ok := v.(*frame)
	if !ok {
		return fmt.Errorf("watchstream: cannot unmarshal into %T", v)
	}
	data.Ref()
	f.data = data
	return nil
}

// frame is one received message, still in gRPC's buffers.
type frame struct {
	data  mem.BufferSlice
	whole mem.Buffer // a message gRPC split over several buffers, copied into one of its pool
}

// bytes returns the message as one slice: the buffer itself, or, when
// gRPC split it (a large batch of events), a copy in a pooled buffer. The
// copy is not kept by the stream: a stream that once received a large
// batch does not hold its size for the rest of the run.
func (f *frame) bytes() []byte {
	if len(f.data) == 1 {
		return f.data[0].ReadOnlyData()
	}
	f.whole = f.data.MaterializeToBuffer(mem.DefaultBufferPool())
	return f.whole.ReadOnlyData()
}

// release gives the buffers back to gRPC's pool.
func (f *frame) release() {
	f.data.Free()
	f.data = nil
	if f.whole != nil {
		f.whole.Free()
		f.whole = nil
	}
}
