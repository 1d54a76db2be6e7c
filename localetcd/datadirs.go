package localetcd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// memberDirs are the data dirs of an n-member cluster: baseDir/member0...
func memberDirs(n int, baseDir string) []string {
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = filepath.Join(baseDir, fmt.Sprintf("member%d", i))
	}
	return dirs
}

// checkFreshDataDirs refuses data dirs that already hold an etcd member.
// Clusters here always start new, on new ports: an old member would ignore
// the new initial cluster and look for its peers at their old addresses.
// It also makes removing the dirs after a failed attempt safe.
func checkFreshDataDirs(dirs []string) error {
	for _, d := range dirs {
		_, err := os.Stat(filepath.Join(d, "member"))
		if err == nil {
			return fmt.Errorf("data dir %s already holds an etcd member; use an empty folder", d)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("check data dir %s: %w", d, err)
		}
	}
	return nil
}

// removeAll deletes the given folders and everything in them.
func removeAll(dirs []string) error {
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			return fmt.Errorf("remove data dir: %w", err)
		}
	}
	return nil
}
