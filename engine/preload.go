package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// preloadWorkersPerConn is how many puts a preload keeps in flight on each
// connection: enough to fill a pipeline, few enough not to swamp a slow disk.
const preloadWorkersPerConn = 16

// Preload writes keys 0..n-1 of spec with value, spreading the puts over
// the clients. It stops at the first error.
func Preload(ctx context.Context, clients []*clientv3.Client, spec KeySpec, n uint64, value []byte) error {
	val := string(value)
	return ForEachIndex(ctx, clients, n, func(ctx context.Context, c *clientv3.Client, i uint64) error {
		if _, err := c.Put(ctx, spec.Key(i), val); err != nil {
			return fmt.Errorf("preload key %d of %d: %w", i, n, err)
		}
		return nil
	})
}

// ForEachIndex calls do for every index 0..n-1, preloadWorkersPerConn calls
// in flight on each client, and stops at the first error, which it returns.
func ForEachIndex(ctx context.Context, clients []*clientv3.Client, n uint64, do func(context.Context, *clientv3.Client, uint64) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Uint64
	var once sync.Once
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < preloadWorkersPerConn*len(clients); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clients[w%len(clients)]
			for i := next.Add(1) - 1; i < n && ctx.Err() == nil; i = next.Add(1) - 1 {
				if err := do(ctx, c, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return firstErr
}
