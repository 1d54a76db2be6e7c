package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// leafCommands walks the command tree: every command that runs something.
func leafCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, sub := range c.Commands() {
		if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
			continue
		}
		if sub.HasSubCommands() {
			out = append(out, leafCommands(sub)...)
		} else {
			out = append(out, sub)
		}
	}
	return out
}

// groupCommands walks the command tree: every command that groups others,
// the root among them.
func groupCommands(c *cobra.Command) []*cobra.Command {
	if !c.HasSubCommands() || c.Name() == "completion" {
		return nil
	}
	out := []*cobra.Command{c}
	for _, sub := range c.Commands() {
		out = append(out, groupCommands(sub)...)
	}
	return out
}

// unparsable is a value no flag of the type accepts; "" for types that
// take anything (strings) or nothing (booleans).
func unparsable(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int", "int64", "uint64", "uint", "int32", "float64", "duration", "intSlice", "float64Slice", "durationSlice":
		return "not-a-number"
	case "endpoints", "urls", "endpoint":
		return "http://[::1"
	}
	return ""
}

// outOfRange are values each numeric flag's type parses but no flag of
// etcdtune gives a meaning: not finite, or negative.
func outOfRange(f *pflag.Flag) []string {
	switch f.Value.Type() {
	case "float64", "float32":
		return []string{"NaN", "Inf", "-Inf", "-1"}
	case "int", "int8", "int16", "int32", "int64", "uint", "uint64":
		return []string{"-1"}
	case "duration":
		return []string{"-1s"}
	}
	return nil
}

// badURLs are what a URL or endpoint flag refuses as bad input, not as an
// unreachable target: empty (a script's unset variable), malformed, another
// scheme, no host, a port out of range.
func badURLs(f *pflag.Flag) []string {
	switch f.Value.Type() {
	case "endpoints", "urls", "endpoint":
		return []string{"", "http://[::1", "host:port:x", "ftp://x", "http://:2379", "http://127.0.0.1:99999", "127.0.0.1:1,,127.0.0.1:2"}
	}
	return nil
}

// badOutputPaths are places a flag marked as an output path cannot write:
// a missing folder, a file where a folder must be, a folder where a file
// must be, a read-only place (/proc: read-only for root too).
func badOutputPaths(t *testing.T, f *pflag.Flag) []string {
	kind := f.Annotations[outputPathAnnotation]
	if len(kind) == 0 {
		return nil
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	switch kind[0] {
	case outputFile, outputFileOrStdout:
		return []string{filepath.Join(dir, "missing", "x.json"), dir, filepath.Join(file, "x.json"), "/proc/etcdtune-x.json"}
	case outputFolder:
		return []string{filepath.Join(file, "sub"), file, "/proc/etcdtune-x/y"}
	default:
		return []string{filepath.Join(dir, "missing"), file, "/proc"}
	}
}

// outputPathNames are the flags that name a place etcdtune writes to; each
// must be marked (markOutputPath) so that it is checked before the load.
var outputPathNames = map[string]bool{"out": true, "dir": true, "collect": true, "cpuprofile": true,
	"path": true, "disk-path": true, "data-dir": true}

// argsFor is the fewest positional arguments c accepts, placeholders: the
// flags are checked before the command reads its arguments.
func argsFor(c *cobra.Command) []string {
	var args []string
	for len(args) < 4 && c.ValidateArgs(args) != nil {
		args = append(args, filepath.Join(os.TempDir(), "etcdtune-no-such-file.json"))
	}
	return args
}

// envBad are values of a connection flag's ETCDCTL_* variable that its
// flag refuses.
func envBad(f *pflag.Flag) []string {
	switch f.Value.Type() {
	case "endpoints":
		return []string{"", "ftp://x", "host:port:x"}
	case "duration":
		return []string{"-1s", "soon"}
	case "bool":
		return []string{"maybe"}
	}
	return nil
}

// Every command refuses bad input with one line and exit 2, before it
// runs anything: an unknown flag, a value its flag cannot parse, a number
// out of range, a malformed or empty URL, an output path it cannot write,
// an unknown subcommand or a stray argument, an ETCDCTL_* variable its flag
// would refuse. The table is the command tree itself, so a command or flag
// added later is covered without editing this test.
func TestEveryCommandRefusesBadFlags(t *testing.T) {
	type tc struct {
		class string
		env   []string
		args  []string
		want  string
	}
	var cases []tc
	add := func(class string, env []string, want string, args ...string) {
		cases = append(cases, tc{class, env, args, want})
	}
	root := newRootCommand()
	for _, c := range leafCommands(root) {
		path := append(strings.Fields(c.CommandPath())[1:], argsFor(c)...)
		with := func(more ...string) []string { return append(append([]string{}, path...), more...) }
		add("unknown flag", nil, "no-such-flag", with("--no-such-flag")...)
		if c.ValidateArgs(append(argsFor(c), "stray")) != nil {
			add("stray argument", nil, "stray", with("stray")...)
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			flag := "--" + f.Name
			if v := unparsable(f); v != "" {
				add("unparsable", nil, f.Name, with(flag, v)...)
			}
			for _, v := range outOfRange(f) {
				add("number out of range", nil, flag, with(flag+"="+v)...)
			}
			for _, v := range badURLs(f) {
				add("URL", nil, flag, with(flag+"="+v)...)
			}
			if outputPathNames[f.Name] && f.Annotations[outputPathAnnotation] == nil {
				t.Errorf("%s %s names a place written to but is not marked by markOutputPath", c.CommandPath(), flag)
			}
			for _, v := range badOutputPaths(t, f) {
				add("output path", nil, flag, with(flag, v)...)
			}
		})
		for _, name := range connFlagNames {
			if f := c.Flags().Lookup(name); f != nil {
				env := "ETCDCTL_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
				for _, v := range envBad(f) {
					add("environment", []string{env + "=" + v}, env, with()...)
				}
			}
		}
		if f := c.Flags().Lookup("output"); f != nil {
			add("output format", nil, "--output", with("--output", "xml")...)
		}
	}
	for _, g := range groupCommands(root) {
		path := strings.Fields(g.CommandPath())[1:]
		add("unknown subcommand", nil, `unknown command "no-such-command"`, append(path, "no-such-command")...)
		for _, sub := range g.Commands() {
			if sub.IsAvailableCommand() && sub.Name() != "help" {
				// One letter off: cobra's suggestion, on the same line.
				add("unknown subcommand", nil, "did you mean "+sub.Name(), append(path, sub.Name()+"x")...)
				break
			}
		}
	}
	perClass := map[string]int{}
	for _, c := range cases {
		perClass[c.class]++
	}
	var classes []string
	for class := range perClass {
		classes = append(classes, class)
	}
	sort.Strings(classes)
	for _, class := range classes {
		t.Logf("%-20s %4d cases", class, perClass[class])
	}
	for _, class := range []string{"unknown flag", "stray argument", "unparsable", "number out of range", "URL",
		"output path", "environment", "output format", "unknown subcommand"} {
		if perClass[class] == 0 {
			t.Errorf("no case of %s: the command tree was not walked", class)
		}
	}
	if len(cases) < 500 {
		t.Fatalf("only %d cases: the command tree was not walked", len(cases))
	}
	t.Logf("%d cases in all", len(cases))
	for _, c := range cases {
		name := c.class + ": " + strings.Join(append(append([]string{}, c.env...), c.args...), " ")
		t.Run(name, func(t *testing.T) {
			if c.env == nil {
				t.Parallel() // the environment is the process's: those cases run alone
			}
			assertOneLineError(t, etcdtune(t, c.env, c.args...), exitBadInput, c.want)
		})
	}
}
