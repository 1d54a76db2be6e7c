//go:build !unix

package localetcd

import "context"

// lockFile is a no-op where flock does not exist: concurrent builders may
// then build twice, but the atomic rename still keeps the binary whole.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	return func() {}, nil
}
