package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/buildinfo"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print etcdtune's version and the etcd version it was built with",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "etcdtune %s\n", buildinfo.ToolVersion())
			fmt.Fprintf(w, "etcd client and embedded server %s\n", buildinfo.EtcdVersion())
			fmt.Fprintf(w, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
