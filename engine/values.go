package engine

import (
	"fmt"
	"math"
	"math/rand/v2"

	"google.golang.org/grpc"
)

// CallOptions are the options of every request a sender makes; a range answer
// may be far larger than gRPC's default 4 MiB receive limit, as in
// clientv3's own defaults. Codec marshals etcd's messages without
// protobuf's reflection.
var CallOptions = []grpc.CallOption{grpc.MaxCallRecvMsgSize(math.MaxInt32), grpc.ForceCodecV2(Codec{})}

// RequestOverhead is room for the protobuf framing of a request around its
// key and value, when checking against etcd's request limit.
const RequestOverhead = 1024

// NewValue returns a value of size bytes, made once per run so that no
// request pays for it: printable letters, so that the keys of an aborted run
// read well in etcdctl.
func NewValue(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	v := make([]byte, size)
	for i := range v {
		v[i] = byte('a' + r.IntN(26))
	}
	return v
}

// CheckValueSize refuses values etcd would refuse: a request over its 1.5 MiB
// limit, with n key-value pairs in it.
func CheckValueSize(keys KeySpec, valSize, n int) error {
	if valSize < 0 {
		return fmt.Errorf("--val-size must not be negative, got %d", valSize)
	}
	if n < 1 {
		n = 1
	}
	size := n * (len(keys.Prefix) + keys.Size + valSize + 16)
	if size+RequestOverhead > MaxRequestBytes {
		return fmt.Errorf("a request of %d bytes is over etcd's 1.5 MiB request limit (--max-request-bytes); lower --val-size", size)
	}
	return nil
}
