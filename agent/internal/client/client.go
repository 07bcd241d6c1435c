// Package client speaks the agent protocol to the Certinel server: pull the
// targets, push result batches. It retries what may succeed later (network
// errors, 5xx, 429) with exponential backoff and jitter, and nothing else.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"certinel.dev/shared/wire"
)

// Bounds on what the agent reads from the server, so a broken proxy or server
// cannot make it buffer without limit.
const (
	maxTargetsBody = 32 << 20
	maxResultsBody = 4 << 20
	maxErrorBody   = 64 << 10
)

// Options configures a Client.
type Options struct {
	BaseURL    *url.URL // e.g. https://certinel.example.com, path prefix allowed
	APIKey     string
	AgentToken string
	Version    string         // sent as User-Agent certinel-agent/<Version>
	RootCAs    *x509.CertPool // nil: system roots
	Proxy      func(*url.URL) (*url.URL, error)
	Backoff    Backoff
	Logger     *slog.Logger
	// Certificate is the agent's client certificate for mutual TLS; nil
	// authenticates by the tokens alone. ServerPin, when set, is the
	// SHA-256 the server's leaf must match (see identity.VerifyPin).
	Certificate *tls.Certificate
	ServerPin   func(tls.ConnectionState) error
}

// Client is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client
	// agentToken starts as Options.AgentToken and changes on rotation;
	// cert as Options.Certificate, and changes on renewal.
	agentToken atomic.Pointer[string]
	cert       atomic.Pointer[tls.Certificate]
}

// New builds a client with its own transport.
func New(opts Options) *Client {
	proxy := http.ProxyFromEnvironment
	if opts.Proxy != nil {
		proxy = func(r *http.Request) (*url.URL, error) { return opts.Proxy(r.URL) }
	}
	transport := &http.Transport{
		Proxy:                 proxy,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12, VerifyConnection: opts.ServerPin},
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          2,
		IdleConnTimeout:       90 * time.Second,
	}
	c := &Client{
		opts: opts,
		http: &http.Client{
			Transport: transport,
			Timeout:   2 * time.Minute,
			// A redirect would carry X-Agent-Token to wherever it points;
			// the agent talks to the configured URL only.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAgentToken(opts.AgentToken)
	c.cert.Store(opts.Certificate)
	// Read per handshake, so a renewed certificate is used from the next
	// connection on.
	transport.TLSClientConfig.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		if cert := c.cert.Load(); cert != nil {
			return cert, nil
		}
		return &tls.Certificate{}, nil // none: the tokens authenticate
	}
	return c
}

// SetCertificate makes new connections present cert, and closes the idle
// ones that present the previous one.
func (c *Client) SetCertificate(cert *tls.Certificate) {
	c.cert.Store(cert)
	c.http.CloseIdleConnections()
}

// SetAgentToken makes every later request carry token.
func (c *Client) SetAgentToken(token string) {
	c.agentToken.Store(&token)
}

// Targets pulls the agent's work list. The pull is the agent's check-in, so
// it also reports the batches parked in the spool.
func (c *Client) Targets(ctx context.Context, parked wire.Parked) (wire.TargetsResponse, error) {
	var out wire.TargetsResponse
	header := http.Header{}
	parked.SetHeader(header)
	if err := c.do(ctx, http.MethodGet, "api/v1/agent/targets", header, nil, &out, maxTargetsBody); err != nil {
		return wire.TargetsResponse{}, fmt.Errorf("client: pull targets: %w", err)
	}
	return out, nil
}

// PushResults sends one batch already encoded by EncodeResults. The payload is
// sent as is, so a spooled batch goes out byte for byte as first written. A
// batch the server already has counts as delivered.
func (c *Client) PushResults(ctx context.Context, payload []byte) (wire.ResultsResponse, error) {
	var out wire.ResultsResponse
	err := c.do(ctx, http.MethodPost, "api/v1/agent/results", nil, payload, &out, maxResultsBody)
	if first, ok := duplicateBatch(err); ok {
		c.opts.Logger.Debug("server already had this batch", "accepted", first.Accepted)
		return first, nil
	}
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("client: push results: %w", err)
	}
	return out, nil
}

// do runs one request with retries and decodes a 2xx JSON answer into out.
// header holds the request's own headers, beside those of every request.
func (c *Client) do(ctx context.Context, method, path string, header http.Header, gzBody []byte, out any, limit int64) error {
	for attempt := 1; ; attempt++ {
		wait, err := c.attempt(ctx, method, path, header, gzBody, out, limit)
		if err == nil {
			return nil
		}
		if wait < 0 || attempt >= c.opts.Backoff.Attempts || ctx.Err() != nil {
			return err
		}
		if wait == 0 {
			wait = c.opts.Backoff.Delay(attempt)
		}
		c.opts.Logger.Warn("server request failed, retrying",
			"method", method, "path", path, "attempt", attempt, "retry_in", wait.Round(time.Millisecond), "error", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up waiting to retry: %w)", err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// attempt makes one request. It returns how long to wait before retrying:
// negative for "do not retry", zero for "use the backoff", positive when the
// server said so with Retry-After.
func (c *Client) attempt(ctx context.Context, method, path string, header http.Header, gzBody []byte, out any, limit int64) (time.Duration, error) {
	var body io.Reader
	if gzBody != nil {
		body = bytes.NewReader(gzBody)
	}
	// JoinPath would escape a query as part of the path.
	path, query, _ := strings.Cut(path, "?")
	u := c.opts.BaseURL.JoinPath(path)
	u.RawQuery = query
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return -1, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", wire.UserAgentPrefix+c.opts.Version)
	// An agent with a client certificate may have no tokens; a request
	// may bring its own bearer (the join token of an enrollment).
	if c.opts.APIKey != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.APIKey)
	}
	if token := *c.agentToken.Load(); token != "" {
		req.Header.Set(wire.AgentTokenHeader, token)
	}
	req.Header.Set("Accept", "application/json")
	// A caller that sets the Content-Type sends its body as it is.
	if gzBody != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err // network trouble: worth another try
	}
	defer drainClose(resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return -1, decodeBounded(resp.Body, out, limit)
	}
	serr := newStatusError(resp)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return c.opts.Backoff.retryAfter(resp.Header.Get("Retry-After"), time.Now()), serr
	case resp.StatusCode >= 500:
		return c.opts.Backoff.retryAfter(resp.Header.Get("Retry-After"), time.Now()), serr
	default:
		return -1, serr
	}
}

func decodeBounded(r io.Reader, out any, limit int64) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("response larger than %d bytes", limit)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// drainClose lets the connection be reused when only a little is left unread.
func drainClose(body io.ReadCloser) {
	io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	body.Close()
}
