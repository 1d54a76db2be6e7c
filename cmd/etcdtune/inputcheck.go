package main

// The checks of the parsed command line that hold for every command, run
// once by the root before any command builds its options (so before any
// load): the ETCDCTL_* variables applied, numbers finite and not negative,
// output paths writable. Flags of URLs check themselves as they are set
// (urlflag.go); a command's own checks (ranges, combinations) come after.

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// checkInput is the root's PersistentPreRunE.
func checkInput(cmd *cobra.Command, _ []string) error {
	flags := cmd.Flags()
	fromEnv, err := applyEnv(flags)
	if err != nil {
		return err
	}
	var first error
	check := func(f *pflag.Flag) {
		if first != nil {
			return
		}
		err := checkNumber(f)
		if err == nil && f.Changed {
			err = checkOutputPath(f)
		}
		if err != nil {
			first = badInput(fmt.Errorf("%s: %v", flagSource(f, fromEnv), err))
		}
	}
	// The flags given first, so that a refusal names the flag the user
	// wrote rather than another name of the same setting (bench watch's
	// --rate is --put-rate); then the defaults.
	flags.Visit(check)
	flags.VisitAll(check)
	return first
}

// flagSource names where a flag's value came from, as the user wrote it.
func flagSource(f *pflag.Flag, fromEnv map[string]string) string {
	if env, ok := fromEnv[f.Name]; ok {
		return fmt.Sprintf("%s=%s (--%s)", env, f.Value.String(), f.Name)
	}
	return fmt.Sprintf("--%s %s", f.Name, f.Value.String())
}

// checkNumber refuses NaN and infinities, which strconv parses but no
// rate, ratio or size means, and negative numbers and durations: no flag
// of etcdtune gives them a meaning (0 is each flag's "none" or "off").
func checkNumber(f *pflag.Flag) error {
	s := f.Value.String()
	switch f.Value.Type() {
	case "float64", "float32":
		v, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			return nil // not this check's to judge
		case math.IsNaN(v) || math.IsInf(v, 0):
			return errors.New("must be a finite number")
		case v < 0:
			return errors.New("must not be negative")
		}
	case "int", "int8", "int16", "int32", "int64":
		if v, err := strconv.ParseInt(s, 10, 64); err == nil && v < 0 {
			return errors.New("must not be negative")
		}
	case "duration":
		if strings.HasPrefix(s, "-") {
			return errors.New("must not be negative")
		}
	}
	return nil
}

// outputPathAnnotation marks a flag naming a place etcdtune writes to, with
// its kind; checkOutputPath checks it before the load rather than losing
// the run when the write fails after it.
const outputPathAnnotation = "etcdtune-output-path"

const (
	outputFile         = "file"           // a file written (its folder must exist)
	outputFileOrStdout = "file-or-stdout" // a file, or "-" for stdout
	outputFolder       = "folder"         // a folder created if missing
	outputInFolder     = "in-folder"      // an existing folder files are written in
)

// markOutputPath marks the flag name of fs as a path of kind.
func markOutputPath(fs *pflag.FlagSet, name, kind string) {
	if err := fs.SetAnnotation(name, outputPathAnnotation, []string{kind}); err != nil {
		panic(err) // a flag of the code that does not exist
	}
}

func checkOutputPath(f *pflag.Flag) error {
	kind := f.Annotations[outputPathAnnotation]
	path := f.Value.String()
	if len(kind) == 0 || path == "" {
		return nil
	}
	switch kind[0] {
	case outputFileOrStdout:
		if path == "-" {
			return nil
		}
		fallthrough
	case outputFile:
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return errors.New("is a folder; give a file name")
		}
		dir := filepath.Dir(path)
		if strings.Contains(dir, agentPlaceholder) {
			return nil // each agent's own folder; written (and checked) by that agent
		}
		return checkWritableFolder(dir)
	case outputFolder:
		return checkWritableFolder(nearestExisting(path))
	default:
		return checkWritableFolder(path)
	}
}

// nearestExisting is path or the closest of its parents that exists, where
// a folder to be created will be made.
func nearestExisting(path string) string {
	for {
		if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return path
		}
		parent := filepath.Dir(path)
		if parent == path {
			return path
		}
		path = parent
	}
}

// checkWritableFolder makes sure dir is a folder a file can be created in,
// by creating one: permissions, read-only mounts and quotas all answer.
func checkWritableFolder(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("folder %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("folder %s: %v", dir, pathErr(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	f, err := os.CreateTemp(dir, ".etcdtune-writable-")
	if err != nil {
		return fmt.Errorf("folder %s is not writable: %v", dir, pathErr(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// pathErr is the cause of a path error without the path, which the
// message names already.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// refuseUnknownSubcommands makes every command that groups others (the
// root, bench, probe, ...) refuse an argument that names none of them, with
// cobra's suggestion on the same line, and print its help when given none.
// Cobra would print the help and exit 0 for a group command (it never
// checks the arguments of a command that does not run).
func refuseUnknownSubcommands(c *cobra.Command) {
	if !c.HasSubCommands() {
		return
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2 // cobra's own default, set only where it prints them
		}
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		} else if cmd.HasAvailableSubCommands() {
			msg += fmt.Sprintf(" (see %s --help)", cmd.CommandPath())
		}
		return badInput(errors.New(msg))
	}
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	for _, sub := range c.Commands() {
		refuseUnknownSubcommands(sub)
	}
}
