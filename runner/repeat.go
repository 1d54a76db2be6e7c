package runner

import (
	"fmt"
	"path/filepath"
	"strings"
)

// RepeatPath is where run i of n writes, for bench --repeat and run
// --repeat alike: path itself when n is 1 (or path is empty), else path
// with "-i" before its extension: --out r.json writes r-1.json ...
// r-N.json, --dir D the folders D-1 ... D-N.
func RepeatPath(path string, i, n int) string {
	if path == "" || n <= 1 {
		return path
	}
	path = filepath.Clean(path)
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(path, ext), i, ext)
}
