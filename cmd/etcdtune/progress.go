package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/result"
)

// progress shows a run's progress on the terminal, once a second; nothing
// when stderr is not a terminal (CI logs, pipes).
type progress struct {
	bar   *progressbar.ProgressBar
	name  string
	total bool
	ops   int64
}

func newProgress(w io.Writer, name string, cfg engine.Config) *progress {
	p := &progress{name: name, total: cfg.Total > 0}
	f, ok := w.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return p
	}
	max := int64((cfg.Warmup + cfg.Duration) / time.Second)
	if p.total {
		max = cfg.Total
	}
	p.bar = progressbar.NewOptions64(max, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name), progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(200*time.Millisecond))
	return p
}

// second takes one second of the measured window.
func (p *progress) second(elapsed time.Duration, s result.SeriesPoint) {
	if p.bar == nil {
		return
	}
	p.ops += s.Ops
	p.bar.Describe(fmt.Sprintf("%s  %d ops/s  p99 %.1f ms  errors %d", p.name, s.Ops, s.P99Ms, s.Errors))
	if p.total {
		p.bar.Set64(p.ops)
	} else {
		p.bar.Set64(int64(elapsed / time.Second))
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
