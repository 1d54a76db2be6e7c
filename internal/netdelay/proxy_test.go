package netdelay

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// TestProxyAddsRoundTrip checks that an echo through the proxy takes at
// least twice the one-way delay, and not much more.
func TestProxyAddsRoundTrip(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadBytes('\n')
					if err != nil {
						return
					}
					c.Write(line)
				}
			}()
		}
	}()
	const oneWay = 15 * time.Millisecond
	c := dialThrough(t, func() (*Proxy, error) { return Start(ln.Addr().String(), oneWay) })
	r := bufio.NewReader(c)
	best := time.Hour
	for range 10 {
		start := time.Now()
		c.Write([]byte("ping\n"))
		if _, err := r.ReadBytes('\n'); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	if best < 2*oneWay || best > 2*oneWay+10*time.Millisecond {
		t.Errorf("fastest round trip %v, want about %v", best, 2*oneWay)
	}
}

// A limited proxy passes the bytes toward the target at its rate, not
// faster: 64 KiB at 256 KiB/s take about a quarter of a second (less the
// last chunk's share, which is written when its turn begins; unlimited,
// a millisecond).
func TestProxyLimitsTheByteRate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan time.Duration, 1)
	const size = 64 << 10
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		start := time.Now()
		buf := make([]byte, size)
		n := 0
		for n < size {
			m, err := c.Read(buf[n:])
			if err != nil {
				return
			}
			n += m
		}
		got <- time.Since(start)
	}()
	c := dialThrough(t, func() (*Proxy, error) { return StartLimited(ln.Addr().String(), 0, 256<<10) })
	for i := 0; i < size; i += 1024 {
		if _, err := c.Write(make([]byte, 1024)); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case d := <-got:
		if d < 100*time.Millisecond || d > 2*time.Second {
			t.Errorf("64 KiB at 256 KiB/s took %v, want about 250 ms", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the data did not arrive")
	}
}

// dialThrough starts a proxy and dials it; both are closed when the test
// ends.
func dialThrough(t *testing.T, start func() (*Proxy, error)) net.Conn {
	t.Helper()
	p, err := start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
