// Package netdelay is a TCP proxy that delays every byte by a fixed time in
// each direction, for tests that need a known network round trip on
// loopback (client to member, or member to member), and optionally limits
// the bytes per second toward the target, for tests that need a server of
// a known capacity.
package netdelay

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// Proxy forwards each connection it accepts to a target address. Data read
// from either side is written to the other OneWay later, without throttling:
// chunks are queued with their due time, so a request and its response each
// gain OneWay and a round trip gains 2*OneWay.
type Proxy struct {
	ln     net.Listener
	target string
	oneWay time.Duration
	limit  *byteRate // toward the target; nil: no limit

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Start listens on a free loopback port and forwards to target (host:port),
// adding oneWay to each direction. The target need not listen yet: each
// connection dials it when accepted.
func Start(target string, oneWay time.Duration) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("netdelay: %w", err)
	}
	p := &Proxy{ln: ln, target: target, oneWay: oneWay, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	return p, nil
}

// StartLimited is Start with the client-to-target direction limited to
// bytesPerS over all connections together, as a slow link would: data
// beyond it waits its turn, so a request rate past the limit queues.
func StartLimited(target string, oneWay time.Duration, bytesPerS float64) (*Proxy, error) {
	if !(bytesPerS > 0) {
		return nil, fmt.Errorf("netdelay: the byte rate must be positive, got %v", bytesPerS)
	}
	p, err := Start(target, oneWay)
	if err != nil {
		return nil, err
	}
	p.limit = &byteRate{perS: bytesPerS}
	return p, nil
}

// byteRate paces writes to a rate shared by every connection: each chunk
// takes its length's worth of time from a common clock.
type byteRate struct {
	mu   sync.Mutex
	perS float64
	next time.Time // when the link is free again
}

// take reserves n bytes of the link and says when they may be written.
func (b *byteRate) take(n int) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if b.next.Before(now) {
		b.next = now
	}
	at := b.next
	b.next = b.next.Add(time.Duration(float64(n) / b.perS * float64(time.Second)))
	return at
}

// Addr returns the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL returns http://host:port of the proxy.
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// OneWay returns the delay added in each direction.
func (p *Proxy) OneWay() time.Duration { return p.oneWay }

// Close stops accepting, closes every connection and waits for the
// forwarding goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Go(func() { p.serve(in) })
	}
}

// track registers c for Close; it returns false once the proxy is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *Proxy) serve(in net.Conn) {
	if !p.track(in) {
		return
	}
	defer p.untrack(in)
	out, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(out) {
		return
	}
	defer p.untrack(out)
	var wg sync.WaitGroup
	wg.Go(func() { p.pipe(out, in, p.limit) })
	wg.Go(func() { p.pipe(in, out, nil) })
	wg.Wait()
}

// chunk is data read at one time, due to be written at due.
type chunk struct {
	data []byte
	due  time.Time
}

// pipe copies src to dst, each chunk oneWay after it was read and, with a
// limit, when the limit lets it. Reading goes on while earlier chunks wait,
// so the delay adds latency but no limit on throughput; the limit does.
func (p *Proxy) pipe(dst, src net.Conn, limit *byteRate) {
	queue := make(chan chunk, 4096)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for c := range queue {
			time.Sleep(time.Until(c.due))
			if limit != nil {
				time.Sleep(time.Until(limit.take(len(c.data))))
			}
			if _, err := dst.Write(c.data); err != nil {
				src.Close()
				for range queue {
				}
				return
			}
		}
		closeWrite(dst)
	}()
	for {
		buf := make([]byte, 32*1024)
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{data: buf[:n], due: time.Now().Add(p.oneWay)}
		}
		if err != nil {
			break
		}
	}
	close(queue)
	<-done
}

// closeWrite half-closes dst so that the far side sees the end of data
// after the last delayed chunk.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
		return
	}
	c.Close()
}
