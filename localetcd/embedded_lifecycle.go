package localetcd

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// waitReady waits until the member serves client requests and knows a
// leader. ReadyNotify alone is not enough for callers that measure: it fires
// once the member has published itself, and a leader may be lost again (or,
// on a restart, not known yet) at that moment.
func (m *Embedded) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	srv := m.etcd.Server
	select {
	case <-srv.ReadyNotify():
	case err := <-m.etcd.Err():
		return fmt.Errorf("etcd failed while starting: %w", err)
	case <-srv.StopNotify():
		return errors.New("etcd stopped while starting")
	case <-ctx.Done():
		return fmt.Errorf("wait for etcd to be ready: %w", ctx.Err())
	}
	return pollUntil(ctx, func() bool { return srv.Leader() != 0 }, "wait for a leader")
}

// pollUntil calls cond every pollInterval until it holds or ctx ends.
func pollUntil(ctx context.Context, cond func() bool, what string) error {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// stop closes the member. embed's Close can block (on a leadership transfer
// to a peer that is stopping too), so it runs in the background and the
// wait is bounded; on timeout the goroutine is left to finish alone.
func (m *Embedded) stop() error {
	m.log.muteTerminal()
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.hardStopIfNotReady()
		m.etcd.Close()
	}()
	timer := time.NewTimer(closeTimeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		return fmt.Errorf("close embedded etcd %s: not stopped after %s", m.clientURL, closeTimeout)
	}
	select {
	case <-m.etcd.Server.StopNotify():
	case <-timer.C:
		return fmt.Errorf("close embedded etcd %s: server not stopped after %s", m.clientURL, closeTimeout)
	}
	if err := m.log.close(); err != nil {
		return fmt.Errorf("close embedded etcd log: %w", err)
	}
	return nil
}

// hardStopIfNotReady stops the raft loop of a member that never became
// ready. embed's Close first waits for the client servers, which are only
// created once the member is ready or stopping; for a member that never got
// a quorum neither happens and Close would wait forever. Stopping the server
// first releases them; Close then finds it already stopped.
func (m *Embedded) hardStopIfNotReady() {
	select {
	case <-m.etcd.Server.ReadyNotify():
	default:
		m.etcd.Server.HardStop()
	}
}
