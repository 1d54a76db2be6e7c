// Command k8scached says whether the Kubernetes control plane of the tests
// (internal/k8stest.Build) is built in the cache folder, for .ci/run: it
// prints the folder and exits 0 if it is, 1 if it is not, 2 on an error.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/etcdtune/etcdtune/internal/k8stest"
)

func main() {
	ctx := context.Background()
	dir, err := k8stest.CacheDir(ctx)
	if err == nil {
		var ok bool
		if ok, err = k8stest.Cached(ctx); err == nil {
			fmt.Println(dir)
			if !ok {
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintln(os.Stderr, "k8scached:", err)
	os.Exit(2)
}
