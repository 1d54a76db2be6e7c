package probes

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// DefaultStealWindow is how long the host probe watches the CPU counters
// for steal time: long enough for a few hundred ticks on a small VM.
const DefaultStealWindow = time.Second

// HostOptions say how the host probe looks at this machine.
type HostOptions struct {
	// Window is how long the CPU counters are watched for the steal time
	// (DefaultStealWindow in the command).
	Window time.Duration
}

// Validate checks the options before anything is measured.
func (o HostOptions) Validate() error {
	if o.Window <= 0 {
		return fault.Inputf("--window must be positive, got %v", o.Window)
	}
	return nil
}

// Host describes this machine, watching the CPU counters for o.Window to
// measure the steal time.
func Host(ctx context.Context, o HostOptions) (*result.ProbedHost, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	window := o.Window
	h := &result.ProbedHost{CPUs: runtime.NumCPU(), Arch: runtime.GOARCH, WindowS: window.Seconds()}
	steps := []func(context.Context, *result.ProbedHost) error{readHostInfo, readMemory, readLoad, readCPUModel}
	for _, step := range steps {
		if err := step(ctx, h); err != nil {
			return nil, fmt.Errorf("host probe: %w", err)
		}
	}
	steal, err := sampleSteal(ctx, window)
	if err != nil {
		return nil, fmt.Errorf("host probe: steal time: %w", err)
	}
	h.StealPct = steal
	h.Warnings = hostWarnings(h)
	return h, nil
}

func readHostInfo(ctx context.Context, h *result.ProbedHost) error {
	info, err := host.InfoWithContext(ctx)
	if err != nil {
		return err
	}
	h.Hostname, h.OS, h.Kernel = info.Hostname, info.OS, info.KernelVersion
	h.Platform = joinNonEmpty(info.Platform, info.PlatformVersion)
	h.Virtualization = joinNonEmpty(info.VirtualizationSystem, info.VirtualizationRole)
	return nil
}

func readMemory(ctx context.Context, h *result.ProbedHost) error {
	vm, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		return err
	}
	sw, err := mem.SwapMemoryWithContext(ctx)
	if err != nil {
		return err
	}
	h.MemoryBytes, h.AvailableBytes, h.SwapBytes, h.SwapUsedBytes = vm.Total, vm.Available, sw.Total, sw.Used
	return nil
}

func readLoad(ctx context.Context, h *result.ProbedHost) error {
	avg, err := load.AvgWithContext(ctx)
	if err != nil {
		return err
	}
	h.Load1, h.Load5, h.Load15 = avg.Load1, avg.Load5, avg.Load15
	return nil
}

// readCPUModel reads the CPU model; some architectures have none, which is
// not an error.
func readCPUModel(ctx context.Context, h *result.ProbedHost) error {
	infos, err := cpu.InfoWithContext(ctx)
	if err == nil && len(infos) > 0 {
		h.CPUModel = infos[0].ModelName
	}
	return nil
}

// sampleSteal returns the share of CPU time stolen over window, from two
// readings of the CPU times: steal is a counter, so only a difference over
// a window says what is happening now.
func sampleSteal(ctx context.Context, window time.Duration) (float64, error) {
	before, err := cpu.TimesWithContext(ctx, false)
	if err != nil || len(before) == 0 {
		return 0, fmt.Errorf("cpu times: %v", err)
	}
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(window):
	}
	after, err := cpu.TimesWithContext(ctx, false)
	if err != nil || len(after) == 0 {
		return 0, fmt.Errorf("cpu times: %v", err)
	}
	return stealPct(before[0], after[0]), nil
}

// stealPct is the stolen share of all CPU time between two readings.
func stealPct(a, b cpu.TimesStat) float64 {
	total := func(c cpu.TimesStat) float64 {
		// guest time is already counted in user and nice
		return c.User + c.Nice + c.System + c.Idle + c.Iowait + c.Irq + c.Softirq + c.Steal
	}
	d := total(b) - total(a)
	if d <= 0 {
		return 0
	}
	return 100 * (b.Steal - a.Steal) / d
}

// The host figures etcd's docs and operators' experience warn about.
const (
	stealWarnPct = 5.0
	minEtcdCPUs  = 2
	minEtcdMem   = 2 << 30 // etcd's docs: 2 GiB is the least for a small cluster
)

func hostWarnings(h *result.ProbedHost) []string {
	var w []string
	if h.StealPct >= stealWarnPct {
		w = append(w, fmt.Sprintf("CPU steal %.1f%% over %.0f s: the hypervisor gives this VM's CPU to others, and etcd's heartbeats and fsyncs wait", h.StealPct, h.WindowS))
	}
	if h.CPUs < minEtcdCPUs {
		w = append(w, fmt.Sprintf("%d CPU: etcd's docs ask for at least 2 (2-4 for a small cluster)", h.CPUs))
	}
	if h.MemoryBytes < minEtcdMem {
		w = append(w, fmt.Sprintf("%s of memory: etcd's docs ask for at least 2 GiB (8 GiB for a large cluster)", formatBytes(h.MemoryBytes)))
	}
	if h.SwapUsedBytes > 0 {
		w = append(w, fmt.Sprintf("%s of swap in use: an etcd page swapped out stalls a request for a disk read", formatBytes(h.SwapUsedBytes)))
	}
	return w
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
