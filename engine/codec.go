package engine

import (
	"fmt"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
)

// Codec is the gRPC codec of etcdtune's requests: etcd's messages are gogo
// generated and marshal themselves, which gRPC's default codec reaches only
// through protobuf's reflection wrapper (a message view and a size pass of
// its own per call). Codec calls their methods directly and marshals into
// a buffer of gRPC's pool, which gRPC returns once the request is written.
type Codec struct{}

var _ encoding.CodecV2 = Codec{}

// gogoMessage is what etcd's generated messages implement.
type gogoMessage interface {
	Size() int
	MarshalToSizedBuffer([]byte) (int, error)
	Unmarshal([]byte) error
	Reset()
}

// Name is the content subtype etcd's server decodes with its proto codec.
func (Codec) Name() string { return "proto" }

// Marshal writes v into a pooled buffer of its exact size.
func (Codec) Marshal(v any) (mem.BufferSlice, error) {
	m, ok := v.(gogoMessage)
	if !ok {
		return nil, fmt.Errorf("engine codec: cannot marshal %T", v)
	}
	pool := mem.DefaultBufferPool()
	buf := pool.Get(m.Size())
	if _, err := m.MarshalToSizedBuffer(*buf); err != nil {
		pool.Put(buf)
		return nil, err
	}
	return mem.BufferSlice{mem.NewBuffer(buf, pool)}, nil
}

// Unmarshal decodes data into v, emptied first as protobuf's own codec
// does (gogo's Unmarshal merges); the generated code copies what it keeps.
func (Codec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(gogoMessage)
	if !ok {
		return fmt.Errorf("engine codec: cannot unmarshal into %T", v)
	}
	m.Reset()
	if len(data) == 1 {
		return m.Unmarshal(data[0].ReadOnlyData())
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	return m.Unmarshal(buf.ReadOnlyData())
}
