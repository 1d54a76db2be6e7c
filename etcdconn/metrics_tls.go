package etcdconn

import (
	"net/http"

	"go.etcd.io/etcd/client/pkg/v3/transport"
)

// HTTPClient returns the HTTP client for the members' /metrics pages: with
// the target's CA and client certificate, because a member that serves
// clients over TLS with --client-cert-auth serves /metrics the same way on
// its client port (and on an https --listen-metrics-urls). Plain http URLs
// are unaffected.
func (o Options) HTTPClient() (*http.Client, error) {
	if o.CACert == "" && o.Cert == "" && !o.InsecureSkipTLSVerify {
		return &http.Client{}, nil
	}
	info := transport.TLSInfo{CertFile: o.Cert, KeyFile: o.Key, TrustedCAFile: o.CACert,
		InsecureSkipVerify: o.InsecureSkipTLSVerify}
	tc, err := info.ClientConfig()
	if err != nil {
		return nil, Unreachable("TLS settings for /metrics", err)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}, nil
}

// HTTPClient is Options.HTTPClient for the target's settings; on a TLS
// setting that cannot be loaded (already refused by Open) it falls back to
// a plain client.
func (t *Target) HTTPClient() *http.Client {
	hc, err := t.opts.HTTPClient()
	if err != nil {
		return &http.Client{}
	}
	return hc
}
