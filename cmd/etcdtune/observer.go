package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// benchObserver shows a bench run: its notes, and the workload's progress
// on a terminal.
type benchObserver struct {
	notes, stderr io.Writer
	bar           *progress
}

func (b *benchObserver) Note(msg string) { fmt.Fprintln(b.notes, msg) }

func (b *benchObserver) Phase(_, _ int, name string, load *engine.Config) func(time.Duration, result.SeriesPoint) {
	b.bar = newProgress(b.stderr, name, *load)
	return b.bar.second
}

func (b *benchObserver) PhaseDone() {
	if b.bar != nil {
		b.bar.finish()
		b.bar = nil
	}
}

// runObserver shows the run's phases on stderr: notes always, the phases
// only on a terminal (a progress bar for each workload).
type runObserver struct {
	benchObserver
	tty bool
}

func newRunObserver(w io.Writer) *runObserver {
	f, ok := w.(*os.File)
	return &runObserver{benchObserver: benchObserver{notes: w, stderr: w}, tty: ok && isatty.IsTerminal(f.Fd())}
}

func (r *runObserver) Phase(n, total int, name string, load *engine.Config) func(time.Duration, result.SeriesPoint) {
	label := fmt.Sprintf("[%d/%d] %s", n, total, name)
	if load == nil {
		if r.tty {
			fmt.Fprintf(r.stderr, "%s ...\n", label)
		}
		return nil
	}
	return r.benchObserver.Phase(n, total, label, load)
}
