package localetcd

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Timing of the status checks that tell whether a member answers.
const (
	statusTimeout  = time.Second
	statusInterval = 100 * time.Millisecond
	// logTailBytes is how much of a dead member's log goes into the error.
	logTailBytes = 1500
)

// start runs the etcd binary with args, its output appended to the log. The
// process is not tied to a context: it must outlive the call that starts it.
func (m *ProcessMember) start(args []string) error {
	logFile, err := os.OpenFile(m.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("start etcd member %s: log: %w", m.name, err)
	}
	// The child gets its own copy of the descriptor; this one can go.
	defer logFile.Close()
	cmd := exec.Command(m.binary, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start etcd member %s: %w", m.name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	m.mu.Lock()
	m.proc = p
	m.mu.Unlock()
	return nil
}

// waitAnswering polls Status until the member answers, its process exits or
// ctx (bounded by readyTimeout) ends.
func (m *ProcessMember) waitAnswering(ctx context.Context) (*clientv3.StatusResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	p := m.current()
	// A dead process must not leave a Status call waiting for its timeout.
	go func() {
		select {
		case <-p.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		resp, err := m.status(ctx)
		if err == nil {
			return resp, nil
		}
		if p.exited() {
			return nil, m.exitError(p)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("etcd member %s does not answer: %w (last: %v)", m.name, ctx.Err(), err)
		case <-p.done:
		case <-time.After(statusInterval):
		}
	}
}

// status asks the member itself (not the cluster) for its status.
func (m *ProcessMember) status(ctx context.Context) (*clientv3.StatusResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	return m.client.Status(ctx, m.clientURL)
}

// exitError says that the process died, with the end of its log, where etcd
// writes why (a port in use, a bad flag, a data dir of another cluster).
func (m *ProcessMember) exitError(p *process) error {
	return fmt.Errorf("etcd member %s exited (%v); end of %s:\n%s", m.name, p.err, m.logPath, tailOf(m.logPath))
}

// tailOf returns the last logTailBytes of the file, or why it cannot.
func tailOf(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > logTailBytes {
		b = b[len(b)-logTailBytes:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(bytes.TrimSpace(b))
}
