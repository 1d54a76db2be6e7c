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
	p, err := Start(ln.Addr().String(), oneWay)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
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
