package watchstream

import (
	"bytes"
	"testing"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	mvccpb "go.etcd.io/etcd/api/v3/mvccpb"
)

// The in-place decoder reads what etcd's own generated code writes: every
// field a watcher uses, with the ones it skips (prev_kv, fragment, the
// header's other fields) around them.
func TestDecodeReadsWhatEtcdWrites(t *testing.T) {
	in := &pb.WatchResponse{
		Header:  &pb.ResponseHeader{ClusterId: 7, MemberId: 9, Revision: 123456789, RaftTerm: 3},
		WatchId: 42, Created: true, Canceled: true, CompactRevision: 77, CancelReason: "compacted", Fragment: true,
		Events: []*mvccpb.Event{
			{Type: mvccpb.PUT, Kv: &mvccpb.KeyValue{Key: []byte("/k/1"), Value: []byte("v1"), ModRevision: 100, CreateRevision: 5, Version: 3, Lease: 8},
				PrevKv: &mvccpb.KeyValue{Key: []byte("/k/1"), Value: []byte("old")}},
			{Type: mvccpb.DELETE, Kv: &mvccpb.KeyValue{Key: []byte("/k/2"), ModRevision: 101}},
		},
	}
	b, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var r Response
	for range 2 { // the same Response again
		if err := r.decode(b); err != nil {
			t.Fatal(err)
		}
		if r.WatchID != 42 || r.Revision != 123456789 || !r.Created || !r.Canceled || r.CompactRevision != 77 || r.CancelReason != "compacted" ||
			r.NumEvents != 2 || r.LastModRevision != 101 {
			t.Fatalf("decoded %+v", r)
		}
		var evs []Event
		for ev := range r.Events() {
			evs = append(evs, *ev)
		}
		if len(evs) != 2 {
			t.Fatalf("%d events yielded, want 2", len(evs))
		}
		e0, e1 := evs[0], evs[1]
		if e0.Delete || !bytes.Equal(e0.Key, []byte("/k/1")) || !bytes.Equal(e0.Value, []byte("v1")) || e0.ModRevision != 100 {
			t.Errorf("first event %+v", e0)
		}
		if !e1.Delete || !bytes.Equal(e1.Key, []byte("/k/2")) || e1.Value != nil || e1.ModRevision != 101 {
			t.Errorf("second event %+v", e1)
		}
	}
	// A progress notice: watch ID -1 (a negative varint), no events.
	b, _ = (&pb.WatchResponse{Header: &pb.ResponseHeader{Revision: 5}, WatchId: -1}).Marshal()
	if err := r.decode(b); err != nil || r.WatchID != -1 || r.Revision != 5 || r.NumEvents != 0 || r.Created {
		t.Errorf("progress notice decoded %+v, %v", r, err)
	}
	// Every truncation is an error, never a panic.
	full, _ := in.Marshal()
	for n := 1; n < len(full); n++ {
		_ = r.decode(full[:n])
	}
}

func BenchmarkDecode(b *testing.B) {
	m, _ := (&pb.WatchResponse{Header: &pb.ResponseHeader{ClusterId: 7, MemberId: 9, Revision: 123456789, RaftTerm: 3}, WatchId: 42,
		Events: []*mvccpb.Event{{Kv: &mvccpb.KeyValue{Key: bytes.Repeat([]byte("k"), 32), Value: bytes.Repeat([]byte("v"), 32), ModRevision: 100, CreateRevision: 5, Version: 3}}}}).Marshal()
	var r Response
	b.ReportAllocs()
	for b.Loop() {
		if err := r.decode(m); err != nil {
			b.Fatal(err)
		}
		for ev := range r.Events() {
			_ = ev.Value
		}
	}
}
