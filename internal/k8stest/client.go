package k8stest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Client talks to the apiserver over https with the test's token: plain
// HTTP and JSON, so that etcdtune's module needs no Kubernetes client.
type Client struct {
	url, token string
	http       *http.Client
}

func newClient(url, caFile, token string) (*Client, error) {
	pemCA, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemCA)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &Client{url: url, token: token, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// HTTPClient is an http.Client that trusts the apiserver's CA (without the
// token: Do adds it).
func (c *Client) HTTPClient() *http.Client { return c.http }

// Do sends a request with a JSON body (or none), and returns the answer's
// body; a status other than 2xx is an error carrying the body.
func (c *Client) Do(ctx context.Context, method, path, contentType string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return b, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
}

// Get is Do with GET.
func (c *Client) Get(ctx context.Context, path string) ([]byte, error) {
	return c.Do(ctx, http.MethodGet, path, "", nil)
}

// Metrics is the apiserver's /metrics page.
func (c *Client) Metrics(ctx context.Context) ([]byte, error) { return c.Get(ctx, "/metrics") }

// waitHealthy polls /readyz until the apiserver says ok.
func (c *Client) waitHealthy(ctx context.Context) error {
	return poll(ctx, "the apiserver's /readyz", func() error {
		_, err := c.Get(ctx, "/readyz")
		return err
	})
}

// waitNodesReady polls until n nodes are registered and Ready.
func (c *Client) waitNodesReady(ctx context.Context, n int) error {
	return poll(ctx, fmt.Sprintf("%d nodes Ready", n), func() error {
		ready, err := c.ReadyNodes(ctx)
		if err == nil && ready < n {
			err = fmt.Errorf("%d of %d Ready", ready, n)
		}
		return err
	})
}

// ReadyNodes counts the nodes whose Ready condition is True.
func (c *Client) ReadyNodes(ctx context.Context) (int, error) {
	b, err := c.Get(ctx, "/api/v1/nodes")
	if err != nil {
		return 0, err
	}
	var list struct {
		Items []struct {
			Status struct {
				Conditions []struct{ Type, Status string }
			}
		}
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return 0, err
	}
	ready := 0
	for _, n := range list.Items {
		for _, cond := range n.Status.Conditions {
			if cond.Type == "Ready" && cond.Status == "True" {
				ready++
			}
		}
	}
	return ready, nil
}

// poll calls f every half second until it returns nil or ctx ends, and
// then says what it waited for and the last error.
func poll(ctx context.Context, what string, f func() error) error {
	for {
		err := f()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last: %v)", what, ctx.Err(), err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
