package localetcd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// stopTimeout is how long Stop waits after SIGTERM before it kills.
const stopTimeout = 10 * time.Second

// ProcessMember is one etcd member running as a child process. Its ports
// and data dir stay the same across Stop, Kill and Restart.
type ProcessMember struct {
	name       string
	id         uint64 // raft member ID, learnt from Status when the cluster starts
	binary     string
	args       []string // for a new cluster; Restart swaps the cluster state
	logPath    string
	clientURL  string
	metricsURL string
	client     *clientv3.Client // shared by the cluster, for Status

	mu   sync.Mutex
	proc *process // the current or last process; nil before the first start
}

// process is one run of the etcd binary. done is closed once it has exited
// and been reaped (so it leaves no zombie); err is Wait's result.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Name returns the etcd member name.
func (m *ProcessMember) Name() string { return m.name }

// Endpoint returns the member's client URL (http://127.0.0.1:PORT).
func (m *ProcessMember) Endpoint() string { return m.clientURL }

// MetricsURL returns the full URL of the member's Prometheus page, e.g.
// http://127.0.0.1:PORT/metrics.
func (m *ProcessMember) MetricsURL() string { return m.metricsURL }

// LogPath returns the file that receives the member's stdout and stderr.
func (m *ProcessMember) LogPath() string { return m.logPath }

// PID returns the process ID of the current run, or 0 if never started.
func (m *ProcessMember) PID() int {
	p := m.current()
	if p == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Running reports whether the member's process has not exited. A paused
// (SIGSTOP) member is running.
func (m *ProcessMember) Running() bool {
	p := m.current()
	return p != nil && !p.exited()
}

// Pause freezes the process with SIGSTOP: it keeps its sockets but answers
// nothing, which peers see as a hung member rather than a dead one.
func (m *ProcessMember) Pause() error { return m.signal(signalPause, "pause") }

// Resume lets a paused process go on with SIGCONT.
func (m *ProcessMember) Resume() error { return m.signal(signalResume, "resume") }

// Kill ends the process with SIGKILL, as a crash would, and waits for it.
// Killing a member that is not running is not an error.
func (m *ProcessMember) Kill() error {
	p := m.current()
	if p == nil {
		return nil
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill etcd member %s: %w", m.name, err)
	}
	<-p.done
	return nil
}

// Stop asks the process to stop with SIGTERM and waits for it; after
// stopTimeout it kills it. A leader hands its leadership over first.
func (m *ProcessMember) Stop() error {
	p := m.current()
	if p == nil || p.exited() {
		return nil
	}
	if err := m.signal(signalStop, "stop"); err != nil {
		return err
	}
	// A paused process would hold SIGTERM until continued.
	_ = m.signal(signalResume, "resume")
	select {
	case <-p.done:
		return nil
	case <-time.After(stopTimeout):
		return m.Kill()
	}
}

// current returns the current or last process.
func (m *ProcessMember) current() *process {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.proc
}

// signal sends sig to the running process; what names the action in errors.
func (m *ProcessMember) signal(sig os.Signal, what string) error {
	if sig == nil {
		return fmt.Errorf("%s etcd member %s: not supported on this platform", what, m.name)
	}
	p := m.current()
	if p == nil || p.exited() {
		return fmt.Errorf("%s etcd member %s: not running", what, m.name)
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("%s etcd member %s: %w", what, m.name, err)
	}
	return nil
}

// exited reports whether the process has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Restart starts the member again on the same data dir and ports, as an
// existing member, and waits until it answers. The member must not be
// running.
func (m *ProcessMember) Restart(ctx context.Context) error {
	if m.Running() {
		return fmt.Errorf("restart etcd member %s: still running", m.name)
	}
	if err := m.start(existingClusterArgs(m.args)); err != nil {
		return err
	}
	if _, err := m.waitAnswering(ctx); err != nil {
		return errors.Join(fmt.Errorf("restart etcd member %s: %w", m.name, err), m.Kill())
	}
	return nil
}
