package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/etcdconn"
)

type cleanupOptions struct {
	conn   connOptions
	prefix string
	yes    bool
	output string
}

func newCleanupCommand() *cobra.Command {
	o := &cleanupOptions{}
	cmd := newNoArgsCommand(&cobra.Command{Use: "cleanup",
		Short: "Remove what earlier etcdtune runs left under a prefix (a run killed with SIGKILL, say)",
		Long: `Finds under --prefix the keys of etcdtune's shapes (<prefix> and digits, as
put, range, txn, mixed, lease, watch and quota write them; the k8s registry
tree <prefix>registry/; agents' <prefix>agent-<i>/ keys; barrier keys
<prefix>barrier/<run>/<agent>; the single probe keys capacity-settle and
after-recovery) and the leases etcdtune granted for the prefix (their IDs
carry etcdtune's mark and the prefix's hash, and their keys lie under it),
and prints how many of each. Only --yes deletes them: the leases are revoked,
the keys deleted one by one by name, so a key under the prefix that is not of
etcdtune's shape stays.`}, o.run)
	fs := cmd.Flags()
	o.conn.addFlags(fs)
	fs.StringVar(&o.prefix, "prefix", "/etcdtune/", "the prefix the runs used (bench's --prefix)")
	fs.BoolVar(&o.yes, "yes", false, "delete what is found (without it, nothing is deleted)")
	fs.StringVarP(&o.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func (o *cleanupOptions) run(cmd *cobra.Command) error {
	topts, err := o.conn.targetOptionsOf(cmd)
	if err != nil {
		return err
	}
	switch {
	case o.output != "text" && o.output != "json":
		return badInput(fmt.Errorf("--output %q: cleanup prints text or json", o.output))
	case o.prefix == "":
		return badInput(fmt.Errorf("--prefix must not be empty: etcdtune writes only under its own prefix"))
	case len(topts.Endpoints) == 0:
		return badInput(fmt.Errorf("cleanup removes what runs left in an existing cluster: give --endpoints (or ETCDCTL_ENDPOINTS)"))
	}
	ctx := cmd.Context()
	t, err := etcdconn.Open(ctx, topts, 1)
	if err != nil {
		return err
	}
	defer t.Close()
	c := t.Clients()[0]
	l, err := engine.FindLeftovers(ctx, c, o.prefix)
	if err != nil {
		return err
	}
	deleted := false
	if o.yes && (l.Keys() > 0 || len(l.Leases) > 0) {
		if err := l.Remove(ctx, c); err != nil {
			return err
		}
		deleted = true
	}
	if o.output == "json" {
		return writeCleanupJSON(cmd.OutOrStdout(), l, deleted)
	}
	return writeCleanupText(cmd.OutOrStdout(), l, o.yes)
}

// cleanupReport is what `cleanup -o json` prints.
type cleanupReport struct {
	Prefix  string           `json:"prefix"`
	Keys    map[string]int64 `json:"keys"`
	Leases  int              `json:"leases"`
	Deleted bool             `json:"deleted"`
}

func writeCleanupJSON(w io.Writer, l *engine.Leftovers, deleted bool) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(cleanupReport{Prefix: l.Prefix, Keys: l.Counts, Leases: len(l.Leases), Deleted: deleted})
}

func writeCleanupText(w io.Writer, l *engine.Leftovers, yes bool) error {
	if l.Keys() == 0 && len(l.Leases) == 0 {
		_, err := fmt.Fprintf(w, "nothing of etcdtune's under %q\n", l.Prefix)
		return err
	}
	verb := "would delete"
	if yes {
		verb = "deleted"
	}
	fmt.Fprintf(w, "under %q, left by earlier etcdtune runs (%s):\n", l.Prefix, verb)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, s := range l.Shapes() {
		fmt.Fprintf(tw, "  %s\t%d\t\n", s, l.Counts[s])
	}
	fmt.Fprintf(tw, "  leases\t%d\t\n", len(l.Leases))
	tw.Flush()
	if !yes {
		_, err := fmt.Fprintln(w, "nothing deleted: pass --yes to delete them")
		return err
	}
	return nil
}
