package localetcd

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// loopbackHost is the only address this package listens on.
const loopbackHost = "127.0.0.1"

// startAttempts bounds the retries when a picked port is taken before etcd
// binds it.
const startAttempts = 4

// retryOnPortRace runs start until it succeeds or fails for another reason
// than a picked port taken before etcd bound it, startAttempts times at
// most. Between attempts it removes dirs: a failed attempt's data holds its
// peer URLs, which would stop the next one from forming a cluster.
func retryOnPortRace[C any](dirs []string, start func() (C, error)) (C, error) {
	for attempt := 1; ; attempt++ {
		c, err := start()
		if !isAddrInUse(err) || attempt == startAttempts {
			return c, err
		}
		if err := removeAll(dirs); err != nil {
			var none C
			return none, err
		}
	}
}

// freeLoopbackPorts returns n distinct TCP ports that were free a moment ago.
// All listeners stay open until every port is picked so that the kernel
// cannot hand out the same port twice; another process may still take one
// before etcd binds it, which callers handle by retrying (see isAddrInUse).
func freeLoopbackPorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(loopbackHost, "0"))
		if err != nil {
			return nil, fmt.Errorf("pick a free loopback port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// httpURL is http://127.0.0.1:port.
func httpURL(port int) url.URL {
	return url.URL{Scheme: "http", Host: net.JoinHostPort(loopbackHost, strconv.Itoa(port))}
}

// loopbackURL is http://127.0.0.1:port as a string.
func loopbackURL(port int) string {
	u := httpURL(port)
	return u.String()
}

// isAddrInUse reports whether err comes from binding a port that is taken.
// The text check covers errors that lost their type on the way (etcd
// formats some with %v, and a child process only leaves its log behind).
func isAddrInUse(err error) bool {
	if err == nil {
		return false
	}
	return errors.Is(err, syscall.EADDRINUSE) ||
		strings.Contains(err.Error(), "address already in use")
}
