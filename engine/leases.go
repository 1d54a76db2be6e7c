package engine

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc"
)

// Every lease etcdtune grants has an ID it chose (etcd grants a requested
// ID when it is free), so that `etcdtune cleanup` can find the leases a
// killed run left: the ID's 63 bits are a 12-bit marker, a 16-bit hash of
// the prefix the lease's keys live under and 35 random bits. A lease of
// another client can carry the marker and hash by chance (1 in 2^28), so
// cleanup also checks that its keys lie under the prefix.
const (
	leaseMarker     = 0xE7D // "etcdtune"; bit 63 stays 0: etcd wants positive IDs
	leaseMarkerBits = 12
	leaseHashBits   = 16
	leaseRandBits   = 63 - leaseMarkerBits - leaseHashBits
	leaseGrantTries = 8 // a random part already in use is granted again with another
)

// leaseHash is the prefix's part of a lease ID.
func leaseHash(prefix string) int64 {
	h := fnv.New32a()
	h.Write([]byte(prefix))
	return int64(h.Sum32() & (1<<leaseHashBits - 1))
}

// LeaseID is a marked lease ID for prefix with the random part r.
func LeaseID(prefix string, r int64) int64 {
	return leaseMarker<<(leaseHashBits+leaseRandBits) | leaseHash(prefix)<<leaseRandBits | r&(1<<leaseRandBits-1)
}

// LeaseOf reports whether id is a lease etcdtune granted for prefix.
func LeaseOf(id int64, prefix string) bool {
	return id>>(leaseHashBits+leaseRandBits) == leaseMarker &&
		(id>>leaseRandBits)&(1<<leaseHashBits-1) == leaseHash(prefix)
}

// LeaseMarked reports whether id is a lease etcdtune granted, for any prefix.
func LeaseMarked(id int64) bool { return id > 0 && id>>(leaseHashBits+leaseRandBits) == leaseMarker }

// GrantLease grants a lease of ttl seconds marked for prefix (see LeaseID),
// the one way etcdtune grants leases. An ID already in use is tried again
// with another random part.
func GrantLease(ctx context.Context, lc pb.LeaseClient, prefix string, ttl int64, opts ...grpc.CallOption) (*pb.LeaseGrantResponse, error) {
	var err error
	for range leaseGrantTries {
		var resp *pb.LeaseGrantResponse
		resp, err = lc.LeaseGrant(ctx, &pb.LeaseGrantRequest{ID: LeaseID(prefix, rand.Int64()), TTL: ttl}, opts...)
		if err == nil {
			return resp, nil
		}
		if rpctypes.Error(err) != rpctypes.ErrLeaseExist {
			return nil, err
		}
	}
	return nil, fmt.Errorf("grant lease: %d random lease IDs were all in use: %w", leaseGrantTries, err)
}
