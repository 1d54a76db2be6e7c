package main

// The refusals of bad input, command by command: exit 2 and one line naming
// the flag, before any load (flags_every_test.go walks every flag).

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestBadInputExits2(t *testing.T) {
	assertRefused(t, nil, []refusedArgs{
		{[]string{"bench", "put", "--rate", "-5"}, "--rate"},
		{[]string{"bench", "put", "--clients", "0"}, "--clients"},
		{[]string{"bench", "put", "--clients", "4", "--conns", "8"}, "--conns 8 is more than --clients 4"},
		{[]string{"bench", "put", "--val-size", "1600000"}, "1.5 MiB"},
		{[]string{"bench", "put", "--key-dist", "pareto"}, "unknown --key-dist"},
		{[]string{"bench", "put", "--key-dist", "zipf", "--zipf-s", "0.5"}, "--zipf-s"},
		{[]string{"bench", "put", "--duration", "ten seconds"}, "--duration"},
		{[]string{"bench", "put", "--txn-ops", "500"}, "--txn-ops"},
		{[]string{"bench", "put", "--output", "xml"}, "--output"},
		{[]string{"bench", "put", "--no-such-flag"}, "no-such-flag"},
		{[]string{"bench", "put", "extra-arg"}, "extra-arg"},
		{[]string{"bench", "range", "--consistency", "x"}, "--consistency"},
		{[]string{"bench", "range", "--scope", "all"}, "--scope"},
		{[]string{"bench", "put", "--cert", "c.pem"}, "--cert and --key"},
		{[]string{"bench", "put", "--key-space", "1000", "--key-size", "2"}, "--key-size"},
	})
	t.Run("env", func(t *testing.T) {
		r := etcdtune(t, []string{"ETCDCTL_DIAL_TIMEOUT=soon"}, "bench", "put")
		assertOneLineError(t, r, exitBadInput, "ETCDCTL_DIAL_TIMEOUT")
	})
	// The built binary exits with the code too, end to end.
	t.Run("binary", func(t *testing.T) {
		assertOneLineError(t, etcdtuneProcess(t, nil, "bench", "put", "--no-such-flag"), exitBadInput, "no-such-flag")
	})
}

// The guard's and bench quota's flags refuse what they cannot honour with
// one line and exit 2.
func TestGuardAndQuotaBadInput(t *testing.T) {
	assertRefused(t, nil, []refusedArgs{
		{[]string{"bench", "put", "--guard-max-leader-changes", "-1"}, "--guard-max-leader-changes"},
		{[]string{"bench", "put", "--guard-max-error-rate", "0"}, "--guard-max-error-rate"},
		{[]string{"bench", "put", "--guard-max-error-rate", "1.5"}, "--guard-max-error-rate"},
		{[]string{"bench", "put", "--guard-max-p99", "-1s"}, "--guard-max-p99"},
		{[]string{"bench", "put", "--max-rate", "-3"}, "--max-rate"},
		{[]string{"bench", "quota", "--endpoints", "127.0.0.1:1"}, "--allow-destructive"},
		{[]string{"bench", "quota", "--quota-backend-bytes", "1000"}, "--quota-backend-bytes"},
		{[]string{"bench", "quota", "--val-size", "0"}, "--val-size"},
		{[]string{"bench", "quota", "--keys", "0"}, "--keys"},
		{[]string{"bench", "quota", "--prefix", "/"}, "--prefix"},
		{[]string{"bench", "quota", "-o", "xml"}, "--output"},
	})
}

func TestTxnLeaseMixedBadInputExits2(t *testing.T) {
	assertRefused(t, nil, []refusedArgs{
		{[]string{"bench", "mixed", "--read-ratio", "1.5"}, "--read-ratio must be between 0 and 1"},
		{[]string{"bench", "mixed", "--read-ratio", "-0.1"}, "--read-ratio -0.1: must not be negative"},
		{[]string{"bench", "mixed", "--read-ratio", "0.8", "--txn-ratio", "0.3"}, "add up to more than 1"},
		{[]string{"bench", "mixed", "--key-space", "100", "--preload", "200"}, "--preload"},
		{[]string{"bench", "lease", "--ttl", "1"}, "--ttl must be at least 2"},
		{[]string{"bench", "lease", "--expire", "10", "--expire-ttl", "1"}, "--expire-ttl must be at least 2"},
		{[]string{"bench", "lease", "--expire", "100", "--key-space", "99990", "--key-size", "5"}, "--key-size"},
		{[]string{"bench", "txn", "--mode", "lock"}, "unknown --mode"},
		{[]string{"bench", "txn", "--txn-ops", "3"}, "--mode rw"},
		{[]string{"bench", "txn", "--mode", "rw", "--txn-ops", "200"}, "--txn-ops"},
		{[]string{"bench", "txn", "--mode", "rw", "--txn-ops", "2", "--txn-reads", "3"}, "--txn-reads"},
	})
}

// Scale flags out of range or over etcd's request limit are bad input:
// exit 2 and one line naming the flag.
func TestBenchK8sBadInputExits2(t *testing.T) {
	assertRefused(t, []string{"bench", "k8s"}, []refusedArgs{
		{[]string{"--nodes", "0"}, "--nodes"},
		{[]string{"--nodes", "6000"}, "--nodes"},
		{[]string{"--pods-per-node", "-1"}, "--pods-per-node"},
		{[]string{"--nodes", "5000", "--pods-per-node", "110"}, "150000"},
		{[]string{"--max-object-size", "2097152"}, "1.5 MiB request limit"},
		{[]string{"--list-limit", "0"}, "--list-limit"},
		{[]string{"--list-every", "0s"}, "--list-every"},
	})
}

func TestBenchWatchBadInputExits2(t *testing.T) {
	assertRefused(t, []string{"bench", "watch", "--put-total", "10", "--watchers", "2"}, []refusedArgs{
		{[]string{"--watchers", "10", "--streams", "20"}, "--streams 20 is more than --watchers 10"},
		{[]string{"--watchers", "0"}, "--watchers"},
		{[]string{"--scope", "all"}, "--scope"},
		{[]string{"--scope", "key", "--keys", "20", "--key-space", "10"}, "--keys"},
		{[]string{"--val-size", "4"}, "--val-size"},
		{[]string{"--history", "5", "--from-rev", "2"}, "--history or --from-rev"},
		{[]string{"--slow-watchers", "-1"}, "--slow-watchers"},
		// Checked against the (embedded, fresh) cluster once connected.
		{[]string{"--history", "1000000"}, "--history 1000000 is deeper than the cluster's current revision"},
		{[]string{"--from-rev", "1000000"}, "--from-rev 1000000 is ahead of the cluster's current revision"},
	})
}

func TestProbeNetBadInput(t *testing.T) {
	assertRefused(t, nil, []refusedArgs{
		{[]string{"probe", "rtt", "--samples", "0"}, "--samples"},
		{[]string{"probe", "rtt", "--samples", "many"}, "--samples"},
		{[]string{"probe", "rtt", "-o", "xml"}, "--output"},
		{[]string{"probe", "cluster", "--window", "0"}, "--window"},
		{[]string{"probe", "cluster", "--window", "-1s"}, "--window"},
		{[]string{"probe", "backup", "--rate", "0"}, "--rate"},
		{[]string{"probe", "backup", "--dir", "/does/not/exist"}, "--dir"},
		{[]string{"probe", "backup", "--endpoints", "127.0.0.1:1", "--endpoint", "127.0.0.1:2"}, "--endpoint"},
	})
}

// The root applies the ETCDCTL_* variables before any command runs, so no
// command can build its options from a flag whose variable is not applied
// yet (probe rtt and probe backup once took --command-timeout's default
// for their requests while ETCDCTL_COMMAND_TIMEOUT was set). Every command
// with a connection flag is run with its RunE replaced by one that reads
// the flags.
func TestEveryCommandSeesETCDCTLBeforeItRuns(t *testing.T) {
	defer setEnv(t, []string{"ETCDCTL_COMMAND_TIMEOUT=7s", "ETCDCTL_DIAL_TIMEOUT=3s"})()
	root := newRootCommand()
	tried := 0
	for _, c := range leafCommands(root) {
		if c.Flags().Lookup("command-timeout") == nil {
			continue
		}
		var seen []string
		c.RunE = func(cmd *cobra.Command, _ []string) error {
			for _, name := range []string{"command-timeout", "dial-timeout"} {
				seen = append(seen, cmd.Flags().Lookup(name).Value.String())
			}
			return nil
		}
		root.SetArgs(append(strings.Fields(c.CommandPath())[1:], argsFor(c)...))
		root.SetOut(io.Discard)
		if err := root.ExecuteContext(t.Context()); err != nil {
			t.Errorf("%s: %v", c.CommandPath(), err)
		}
		if strings.Join(seen, " ") != "7s 3s" {
			t.Errorf("%s ran with --command-timeout, --dial-timeout %v, want the variables' 7s 3s", c.CommandPath(), seen)
		}
		tried++
	}
	if tried < 10 {
		t.Fatalf("only %d commands with connection flags: the command tree was not walked", tried)
	}
	t.Logf("%d commands saw ETCDCTL_* applied before they ran", tried)
}

// A given but empty --endpoints or ETCDCTL_ENDPOINTS (a script's unset
// variable) is refused, never taken for "start an embedded etcd"; a
// malformed endpoint is bad input (2), not an unreachable target (3).
func TestEmptyOrMalformedEndpointsAreBadInput(t *testing.T) {
	assertRefused(t, []string{"bench", "put", "--total", "10"}, []refusedArgs{
		{[]string{"--endpoints", ""}, "--endpoints"},
		{[]string{"--endpoints", "http://[::1"}, "--endpoints"},
		{[]string{"--endpoints", "host:port:x"}, "--endpoints"},
		{[]string{"--endpoints", "ftp://x"}, "--endpoints"},
	})
	r := etcdtune(t, []string{"ETCDCTL_ENDPOINTS="}, "bench", "put", "--total", "10")
	assertOneLineError(t, r, exitBadInput, "ETCDCTL_ENDPOINTS")
	// A well-formed endpoint nothing listens on is the target's fault.
	r = etcdtune(t, nil, "bench", "put", "--total", "10", "--endpoints", "127.0.0.1:1", "--dial-timeout", "300ms")
	if r.code != exitUnusable {
		t.Errorf("unreachable endpoint: exit %d, want %d (stderr %q)", r.code, exitUnusable, r.stderr)
	}
}

// --out into a folder that does not exist is refused before the load,
// not after it (which lost the run).
func TestOutCheckedBeforeTheLoad(t *testing.T) {
	start := time.Now()
	r := etcdtune(t, nil, "bench", "put", "--duration", "30s", "--out", filepath.Join(t.TempDir(), "missing", "r.json"))
	assertOneLineError(t, r, exitBadInput, "--out")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refused after %v: the load ran first", d)
	}
}
