package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
	"github.com/etcdtune/etcdtune/workloads/k8s"
)

// mixFromOptions are bench k8s --mix-from and the flags of its URL.
type mixFromOptions struct {
	from                  string
	window                time.Duration
	cacert, cert, key     string
	tokenFile             string
	insecureSkipTLSVerify bool
	mix                   *k8s.Mix // read in PreRunE, before any load
}

// defaultMixWindow is the time between the two pages of a --mix-from URL.
const defaultMixWindow = time.Minute

// mixScrapeTimeout bounds one page of a --mix-from URL.
const mixScrapeTimeout = 30 * time.Second

func (o *mixFromOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.from, "mix-from", "", "replay a live cluster's traffic: a kube-apiserver's /metrics URL (read twice, --mix-window apart), or a file of two pages (see the README)")
	fs.DurationVar(&o.window, "mix-window", defaultMixWindow, "--mix-from URL: time between its two pages, the window its rates are over")
	fs.StringVar(&o.cacert, "mix-cacert", "", "--mix-from URL: verify the apiserver's certificate with this CA bundle")
	fs.StringVar(&o.cert, "mix-cert", "", "--mix-from URL: client certificate")
	fs.StringVar(&o.key, "mix-key", "", "--mix-from URL: client key")
	fs.StringVar(&o.tokenFile, "mix-token-file", "", "--mix-from URL: file holding a bearer token (e.g. a ServiceAccount's)")
	fs.BoolVar(&o.insecureSkipTLSVerify, "mix-insecure-skip-tls-verify", false, "--mix-from URL: skip the apiserver's certificate verification (CAUTION: for testing only)")
}

// mixModelFlags are bench k8s's flags of the modelled cluster, which a
// replay takes from the metrics instead.
var mixModelFlags = []string{"nodes", "pods-per-node", "list-every", "max-object-size", "pod-lifetime", "config-update-every", "watch", "burst", "max-nodes"}

// load checks the flags and reads the mix, before any load: a bad file or
// URL is one line and exit 2, an unreachable URL exit 3. The rate, unless
// --rate is given, becomes the mix's: the replay runs in real time; with
// --find-max the search starts from it (unless --start-rate), and the
// answer is how many times the mix fits.
func (o *mixFromOptions) load(cmd *cobra.Command, rate *float64, fm *findMaxOptions) error {
	fs := cmd.Flags()
	if o.from == "" {
		for _, name := range []string{"mix-window", "mix-cacert", "mix-cert", "mix-key", "mix-token-file", "mix-insecure-skip-tls-verify"} {
			if fs.Changed(name) {
				return badInput(fmt.Errorf("--%s goes with --mix-from", name))
			}
		}
		return nil
	}
	for _, name := range mixModelFlags {
		if fs.Changed(name) {
			return badInput(fmt.Errorf("--%s does not go with --mix-from: the replay's objects and rates come from the metrics", name))
		}
	}
	var mix k8s.Mix
	var err error
	if isURL(o.from) {
		mix, err = o.scrape(cmd.Context(), cmd.ErrOrStderr())
	} else {
		if fs.Changed("mix-window") {
			return badInput(fmt.Errorf("--mix-window goes with a --mix-from URL: a file's window is between its pages' %q lines", strings.TrimSpace(k8s.ScrapedAtMarker)))
		}
		mix, err = readMixFile(o.from)
	}
	if err != nil {
		return err
	}
	o.mix = &mix
	if !fs.Changed("rate") {
		*rate = mix.Rate()
	}
	if fm != nil && fm.on && !fs.Changed("start-rate") {
		fm.startRate = mix.Rate()
	}
	return nil
}

// noteMixFits says, for a --find-max over a --mix-from replay, how many
// times the live cluster's traffic fits on the etcd under test, in the
// result (k8s.mix_from.fits_times) and on notes.
func noteMixFits(res *result.Result, notes io.Writer) {
	for i := range res.Workloads {
		wl := res.Workloads[i]
		if wl.K8s == nil || wl.K8s.MixFrom == nil || wl.Capacity == nil || wl.K8s.MixFrom.RateOpsS <= 0 || wl.Capacity.MaxRateOpsS <= 0 {
			continue
		}
		mf := wl.K8s.MixFrom
		mf.FitsTimes = wl.Capacity.MaxRateOpsS / mf.RateOpsS
		bound := ""
		if wl.Capacity.LowerBound {
			bound = " or more (" + wl.Capacity.LimitedBy + " stopped the search)"
		}
		fmt.Fprintf(notes, "--mix-from: your current traffic (%.1f requests/s to etcd) fits %.1f times on this etcd%s: %.0f requests/s within the SLO\n",
			mf.RateOpsS, mf.FitsTimes, bound, wl.Capacity.MaxRateOpsS)
	}
}

func isURL(s string) bool { return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") }

func readMixFile(path string) (k8s.Mix, error) {
	f, err := os.Open(path)
	if err != nil {
		return k8s.Mix{}, badInput(fmt.Errorf("--mix-from: %w", err))
	}
	defer f.Close()
	mix, err := k8s.ReadMixFile(f, path)
	if err != nil {
		return k8s.Mix{}, badInput(fmt.Errorf("--mix-from %s: %w", path, err))
	}
	return mix, nil
}

// scrape reads the URL twice, --mix-window apart.
func (o *mixFromOptions) scrape(ctx context.Context, notes io.Writer) (k8s.Mix, error) {
	u, err := url.Parse(o.from)
	if err != nil || u.Host == "" {
		return k8s.Mix{}, badInput(fmt.Errorf("--mix-from %q: not a URL with a host", o.from))
	}
	if o.window < time.Second {
		return k8s.Mix{}, badInput(fmt.Errorf("--mix-window must be at least 1s (a rate needs two pages apart), got %v", o.window))
	}
	client, token, err := o.httpClient()
	if err != nil {
		return k8s.Mix{}, err
	}
	first, err := fetchPage(ctx, client, o.from, token)
	if err != nil {
		return k8s.Mix{}, err
	}
	start := time.Now()
	fmt.Fprintf(notes, "--mix-from: read %s; the second page in %v\n", o.from, o.window)
	select {
	case <-ctx.Done():
		return k8s.Mix{}, ctx.Err()
	case <-time.After(o.window):
	}
	second, err := fetchPage(ctx, client, o.from, token)
	if err != nil {
		return k8s.Mix{}, err
	}
	mix, err := k8s.MixFromPages(first, second, time.Since(start), o.from)
	if err != nil {
		return k8s.Mix{}, badInput(fmt.Errorf("--mix-from %s: %w", o.from, err))
	}
	return mix, nil
}

// httpClient is the client of the URL with the --mix-* TLS flags; a file
// that cannot be read is bad input.
func (o *mixFromOptions) httpClient() (*http.Client, string, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.insecureSkipTLSVerify}
	if o.cacert != "" {
		b, err := os.ReadFile(o.cacert)
		if err != nil {
			return nil, "", badInput(fmt.Errorf("--mix-cacert: %w", err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, "", badInput(fmt.Errorf("--mix-cacert %s: no PEM certificate in it", o.cacert))
		}
		tc.RootCAs = pool
	}
	if (o.cert == "") != (o.key == "") {
		return nil, "", badInput(fmt.Errorf("--mix-cert and --mix-key go together"))
	}
	if o.cert != "" {
		pair, err := tls.LoadX509KeyPair(o.cert, o.key)
		if err != nil {
			return nil, "", badInput(fmt.Errorf("--mix-cert/--mix-key: %w", err))
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	var token string
	if o.tokenFile != "" {
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return nil, "", badInput(fmt.Errorf("--mix-token-file: %w", err))
		}
		token = strings.TrimSpace(string(b))
	}
	return &http.Client{Timeout: mixScrapeTimeout, Transport: &http.Transport{TLSClientConfig: tc}}, token, nil
}

// fetchPage reads one page; a URL that does not answer, or refuses us, is
// the target unusable (exit 3).
func fetchPage(ctx context.Context, client *http.Client, u, token string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, badInput(fmt.Errorf("--mix-from %q: %w", u, err))
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fault.Targetf("--mix-from %s: %v", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fault.Targetf("--mix-from %s: HTTP %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fault.Targetf("--mix-from %s: %v", u, err)
	}
	return b, nil
}
