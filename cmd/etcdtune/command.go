package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/buildinfo"
	"github.com/etcdtune/etcdtune/etcdconn"
)

// newNoArgsCommand completes doc, a command's help texts, into a command
// that refuses positional arguments (exit 2) and runs run.
func newNoArgsCommand(doc *cobra.Command, run func(*cobra.Command) error) *cobra.Command {
	doc.Args = noArgs
	doc.RunE = func(cmd *cobra.Command, _ []string) error { return run(cmd) }
	return doc
}

// targetOptionsOf is the prologue of every command that connects: the
// connection flags (their ETCDCTL_* variables applied by the root, before
// any command ran) are checked and turned into etcdconn.Options.
func (o *connOptions) targetOptionsOf(cmd *cobra.Command) (etcdconn.Options, error) {
	return o.targetOptions(cmd.ErrOrStderr())
}

// embeddedEtcdNote is what a command says when, without --endpoints, it
// starts an embedded etcd.
func embeddedEtcdNote(topts etcdconn.Options) string {
	return fmt.Sprintf("no --endpoints: starting an embedded etcd %s on this machine (data dir: %s)",
		buildinfo.EtcdVersion(), describeDataDir(topts.DataDir))
}

func describeDataDir(dir string) string {
	if dir == "" {
		return "a temporary folder, removed afterwards"
	}
	return dir
}
