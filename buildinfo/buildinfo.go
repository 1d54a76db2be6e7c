// Package buildinfo says which etcdtune this is, and which etcd it was
// built with.
package buildinfo

import (
	"runtime/debug"

	"go.etcd.io/etcd/api/v3/version"
)

// Version is etcdtune's version; release builds set it with
// -ldflags "-X github.com/etcdtune/etcdtune/buildinfo.Version=v1.2.3".
var Version = ""

// ToolVersion returns etcdtune's version: the one set at link time, else the
// module version go install recorded, else "devel" with the VCS revision.
func ToolVersion() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}

// EtcdVersion is the version of the etcd client and embedded server that
// etcdtune was built with.
func EtcdVersion() string { return version.Version }
