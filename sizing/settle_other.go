//go:build !unix

package sizing

// settleDisk does nothing where sync(2) is not available.
func settleDisk() {}
