// Package localetcd runs real etcd on this machine, on loopback (127.0.0.1)
// only: an embedded single node or N members in this process
// (go.etcd.io/etcd/server/v3/embed), and members as separate etcd processes
// built from the server module that go.mod pins.
//
// The embedded node is the default target of `etcdtune run`; the process
// cluster is for tests that kill, pause or restart a member, which cannot be
// done to goroutines sharing one process. Nothing here prints or exits: etcd's
// own logs go to a file when asked, otherwise only errors reach stderr.
package localetcd
