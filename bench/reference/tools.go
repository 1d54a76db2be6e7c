//go:build tools

// Package reference pins etcd's own benchmark tool (go.etcd.io/etcd/v3/tools/benchmark),
// which internal/benchrun builds from the module proxy as the reference load
// generator that etcdtune's client cost is compared with. It is a module of its
// own so that etcd's root module and its dependencies stay out of etcdtune's go.mod.
package reference

import _ "go.etcd.io/etcd/v3/tools/benchmark"
