//go:build !unix

package runner

// settleDisk does nothing where sync(2) is not available.
func settleDisk() {}
