package engine

import (
	"bytes"
	"testing"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/proto" // gRPC's default codec, for the comparison
	"google.golang.org/grpc/mem"
)

// The codec writes what etcd's generated code writes and reads it back,
// also from a message gRPC split over several buffers, and refuses a type
// that is not one of etcd's messages.
func TestCodecRoundTrip(t *testing.T) {
	in := &pb.PutRequest{Key: []byte("/etcdtune/k"), Value: bytes.Repeat([]byte("v"), 300), Lease: 7, PrevKv: true}
	out, err := Codec{}.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := in.Marshal()
	if got := out.Materialize(); !bytes.Equal(got, want) {
		t.Fatalf("marshalled %x, want %x", got, want)
	}
	split := mem.BufferSlice{mem.SliceBuffer(want[:10]), mem.SliceBuffer(want[10:])}
	for _, data := range []mem.BufferSlice{out, split} {
		got := &pb.PutRequest{Key: []byte("stale")}
		if err := (Codec{}).Unmarshal(data, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Key, in.Key) || !bytes.Equal(got.Value, in.Value) || got.Lease != 7 || !got.PrevKv {
			t.Errorf("read back %+v", got)
		}
	}
	out.Free()
	if _, err := (Codec{}).Marshal("not a message"); err == nil {
		t.Error("marshal of a string: want an error")
	}
}

// BenchmarkCodec marshals a put and reads its answer with gRPC's default
// codec and with Codec: the part of a request's client CPU the codec
// decides.
func BenchmarkCodec(b *testing.B) {
	req := &pb.PutRequest{Key: []byte("/etcdtune/00000001"), Value: bytes.Repeat([]byte("v"), 256)}
	answer, _ := (&pb.PutResponse{Header: &pb.ResponseHeader{ClusterId: 1, MemberId: 2, Revision: 123456, RaftTerm: 3}}).Marshal()
	for _, c := range []struct {
		name  string
		codec encoding.CodecV2
	}{{"grpc-default", encoding.GetCodecV2("proto")}, {"engine", Codec{}}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := c.codec.Marshal(req)
				if err != nil {
					b.Fatal(err)
				}
				out.Free()
				if err := c.codec.Unmarshal(mem.BufferSlice{mem.SliceBuffer(answer)}, &pb.PutResponse{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
