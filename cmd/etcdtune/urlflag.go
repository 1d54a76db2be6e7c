package main

// Flags of endpoints and URLs check each entry as it is set, from the
// command line or an ETCDCTL_* variable alike, so that a malformed one is
// bad input (exit 2) rather than an unreachable target (exit 3), and an
// empty one (a script's unset variable) is refused rather than taken for
// "not given": the embedded etcd is started only when no endpoint is given
// at all.

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// urlKind is what the entries of a URL flag are.
type urlKind string

const (
	// clientEndpoint: etcd's client endpoints as etcdctl takes them,
	// host:port or an http, https, unix or unixs URL.
	clientEndpoint urlKind = "endpoints"
	// httpURL: an http or https URL (metrics, peer URLs).
	httpURL urlKind = "urls"
)

// urlsValue is a pflag.Value of a list of URLs, comma-separated or
// repeated, as a string slice flag is.
type urlsValue struct {
	urls  *[]string
	kind  urlKind
	set   bool
	unset string // what leaving the flag out means, for the refusal of ""
}

// urlsVar defines the flag name of fs, a list of URLs of kind held in p;
// unset says what leaving it out means.
func urlsVar(fs *pflag.FlagSet, p *[]string, name string, kind urlKind, unset, usage string) {
	fs.Var(&urlsValue{urls: p, kind: kind, unset: unset}, name, usage)
}

func (v *urlsValue) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty (leave the flag out %s)", v.unset)
	}
	parts := strings.Split(s, ",")
	for _, p := range parts {
		if err := checkURL(strings.TrimSpace(p), v.kind); err != nil {
			return err
		}
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if v.set {
		*v.urls = append(*v.urls, parts...)
	} else {
		*v.urls = parts
	}
	v.set = true
	return nil
}

func (v *urlsValue) Type() string { return string(v.kind) }

func (v *urlsValue) String() string { return strings.Join(*v.urls, ",") }

// urlValue is a pflag.Value of one URL.
type urlValue struct {
	url   *string
	kind  urlKind
	unset string
}

// urlVar defines the flag name of fs, one URL of kind held in p.
func urlVar(fs *pflag.FlagSet, p *string, name string, kind urlKind, unset, usage string) {
	fs.Var(&urlValue{url: p, kind: kind, unset: unset}, name, usage)
}

func (v *urlValue) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty (leave the flag out %s)", v.unset)
	}
	if err := checkURL(s, v.kind); err != nil {
		return err
	}
	*v.url = s
	return nil
}

func (v *urlValue) Type() string { return strings.TrimSuffix(string(v.kind), "s") }

func (v *urlValue) String() string { return *v.url }

// checkURL checks one entry of a URL flag of kind.
func checkURL(s string, kind urlKind) error {
	if s == "" {
		return errors.New("an empty entry")
	}
	if kind == clientEndpoint && (strings.HasPrefix(s, "unix:") || strings.HasPrefix(s, "unixs:")) {
		return nil // a socket path, as etcd's client takes it
	}
	if !strings.Contains(s, "://") {
		if kind != clientEndpoint {
			return fmt.Errorf("%q: want an http:// or https:// URL", s)
		}
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return fmt.Errorf("%q: want host:port or a URL (%v)", s, err.(*net.AddrError).Err)
		}
		return checkHostPort(s, host, port)
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%q: %v", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: scheme %q, want http or https", s, u.Scheme)
	}
	if kind == clientEndpoint && u.Path != "" && u.Path != "/" {
		return fmt.Errorf("%q: an endpoint has no path", s)
	}
	return checkHostPort(s, u.Hostname(), u.Port())
}

func checkHostPort(s, host, port string) error {
	if host == "" {
		return fmt.Errorf("%q: no host", s)
	}
	if port == "" {
		return nil // the scheme's port
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: port %q is not 1 to 65535", s, port)
	}
	return nil
}
