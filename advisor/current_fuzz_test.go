package advisor

import (
	"os"
	"path/filepath"
	"testing"
)

const manifestSeed = `apiVersion: v1
kind: Pod
spec:
  containers:
  - name: etcd
    command:
    - etcd
    - --heartbeat-interval=250
    - --quota-backend-bytes=8589934592
`

const configSeed = `name: m1
heartbeat-interval: 100
election-timeout: 1000
quota-backend-bytes: 2147483648
client-transport-security:
  cert-file: /x
`

// FuzzCurrentFromFiles feeds the manifest and config-file readers
// arbitrary bytes (through a file, as the user gives them): they may
// refuse, never panic.
func FuzzCurrentFromFiles(f *testing.F) {
	f.Add([]byte(manifestSeed))
	f.Add([]byte(configSeed))
	f.Add([]byte("[1, 2]"))
	path := filepath.Join(f.TempDir(), "in.yaml")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Skip(err)
		}
		_, _ = CurrentFromManifest(path)
		_, _ = CurrentFromConfigFile(path)
	})
}
