// Package ari asks ACME certificate authorities when they want a certificate
// renewed: ACME Renewal Information (RFC 9773). The CA's suggested window
// replaces the server's own estimate, and a window the CA moves earlier
// (after a revocation, say) is urgent.
package ari

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bounds on what a CA can make the server do.
const (
	// maxBody bounds a directory or renewalInfo response: both are a few
	// hundred bytes.
	maxBody = 64 << 10
	// MinRetry and MaxRetry bound the CA's Retry-After: polling more than
	// hourly is abuse of the CA, less than daily misses a revocation for
	// too long. DefaultRetry applies when the CA sends none.
	MinRetry     = time.Hour
	MaxRetry     = 24 * time.Hour
	DefaultRetry = 6 * time.Hour
	// directoryTTL is how long a directory is reused: its URLs change
	// about never.
	directoryTTL = 24 * time.Hour
	// maxExplanationURL bounds the stored explanation link.
	maxExplanationURL = 1024
)

// ErrUnknownCertificate is returned when the CA answers 404: it did not
// issue the certificate, or no longer knows it.
var ErrUnknownCertificate = errors.New("ari: the CA does not know this certificate")

// errNotFound is a 404 from any URL; Lookup tells which resource lacked.
var errNotFound = errors.New("not found")

// ErrNoRenewalInfo is returned when the directory names no renewalInfo
// resource: the CA does not serve ARI.
var ErrNoRenewalInfo = errors.New("ari: the ACME directory has no renewalInfo")

// StatusError is an unexpected HTTP answer; RetryAfter is the CA's wish,
// bounded, or zero when it sent none.
type StatusError struct {
	URL        string
	Status     int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("ari: GET %s: HTTP %d", e.URL, e.Status)
}

// Window is a suggested renewal window.
type Window struct {
	Start, End time.Time
}

// Info is a CA's answer for one certificate.
type Info struct {
	Window Window
	// ExplanationURL is an http(s) page the CA points operators to, or "".
	ExplanationURL string
	// RetryAfter is when to ask again, within MinRetry and MaxRetry.
	RetryAfter time.Duration
}

// Client looks up renewal information. Give it an HTTP client dialling
// through the SSRF guard (netguard.Guard.HTTPClient): directory URLs come
// from organizations, and the renewalInfo URL from the CA's answer.
type Client struct {
	http *http.Client
	now  func() time.Time
	dirs *directoryCache
}

// directoryCache keeps directories by URL, shared by a Client and those
// WithRoots derives from it.
type directoryCache struct {
	mu sync.Mutex
	m  map[string]cachedDirectory
}

type cachedDirectory struct {
	renewalInfo string
	fetched     time.Time
}

// NewClient returns a Client over hc; now is the clock (nil: time.Now).
func NewClient(hc *http.Client, now func() time.Time) *Client {
	if now == nil {
		now = time.Now
	}
	return &Client{http: hc, now: now, dirs: &directoryCache{m: map[string]cachedDirectory{}}}
}

// WithRoots returns a Client that also trusts roots for HTTPS: an internal
// ACME CA usually serves its directory with a certificate of its own PKI,
// which the organization has in its CA bundles. The new Client dials the
// same way (through the guard) on a transport of its own; close its idle
// connections when done with it.
func (c *Client) WithRoots(roots []*x509.Certificate) (*Client, error) {
	base, ok := c.http.Transport.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("ari: extra roots need an *http.Transport, have %T", c.http.Transport)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		return nil, fmt.Errorf("ari: system roots: %w", err)
	}
	for _, r := range roots {
		pool.AddCert(r)
	}
	t := base.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t.TLSClientConfig.RootCAs = pool
	hc := *c.http
	hc.Transport = t
	return &Client{http: &hc, now: c.now, dirs: c.dirs}, nil
}

// CloseIdleConnections closes the idle connections of the Client's transport.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Lookup asks the CA whose ACME directory is at directoryURL for cert's
// renewal window.
func (c *Client) Lookup(ctx context.Context, directoryURL string, cert *x509.Certificate) (Info, error) {
	id, err := CertID(cert)
	if err != nil {
		return Info{}, err
	}
	base, err := c.renewalInfoURL(ctx, directoryURL)
	if err != nil {
		return Info{}, err
	}
	body, header, err := c.get(ctx, strings.TrimSuffix(base, "/")+"/"+id)
	if errors.Is(err, errNotFound) {
		return Info{}, fmt.Errorf("%w: %w", ErrUnknownCertificate, err)
	}
	if err != nil {
		return Info{}, err
	}
	info, err := parseRenewalInfo(body)
	if err != nil {
		return Info{}, err
	}
	info.RetryAfter = retryAfter(header.Get("Retry-After"), c.now())
	if info.RetryAfter == 0 {
		info.RetryAfter = DefaultRetry
	}
	return info, nil
}

// renewalInfoURL reads the directory, from the cache when fresh.
func (c *Client) renewalInfoURL(ctx context.Context, directoryURL string) (string, error) {
	c.dirs.mu.Lock()
	d, ok := c.dirs.m[directoryURL]
	c.dirs.mu.Unlock()
	if ok && c.now().Sub(d.fetched) < directoryTTL {
		return d.renewalInfo, nil
	}
	body, _, err := c.get(ctx, directoryURL)
	if err != nil {
		return "", err
	}
	var dir struct {
		RenewalInfo string `json:"renewalInfo"`
	}
	if err := json.Unmarshal(body, &dir); err != nil {
		return "", fmt.Errorf("ari: directory %s: %w", directoryURL, err)
	}
	if dir.RenewalInfo == "" {
		return "", ErrNoRenewalInfo
	}
	ri, err := resolveHTTPS(directoryURL, dir.RenewalInfo)
	if err != nil {
		return "", fmt.Errorf("ari: directory %s: renewalInfo: %w", directoryURL, err)
	}
	c.dirs.mu.Lock()
	c.dirs.m[directoryURL] = cachedDirectory{renewalInfo: ri, fetched: c.now()}
	c.dirs.mu.Unlock()
	return ri, nil
}

// resolveHTTPS resolves ref against base and insists on HTTPS, as ACME
// does (RFC 8555 section 6.1).
func resolveHTTPS(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	u := b.ResolveReference(r)
	if u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("%q is not an https URL", u.Redacted())
	}
	return u.String(), nil
}

// get fetches u with a bounded body; a 404 is errNotFound.
func (c *Client) get(ctx context.Context, u string) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("ari: GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "certinel-server")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("ari: GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil, fmt.Errorf("ari: GET %s: %w", u, errNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, nil, &StatusError{URL: u, Status: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), c.now())}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("ari: GET %s: %w", u, err)
	}
	if len(body) > maxBody {
		return nil, nil, fmt.Errorf("ari: GET %s: response larger than %d bytes", u, maxBody)
	}
	return body, resp.Header, nil
}

// parseRenewalInfo reads a renewalInfo object; a window that does not end
// after it starts is invalid (RFC 9773 section 4.2).
func parseRenewalInfo(body []byte) (Info, error) {
	var ri struct {
		SuggestedWindow *struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		} `json:"suggestedWindow"`
		ExplanationURL string `json:"explanationURL"`
	}
	if err := json.Unmarshal(body, &ri); err != nil {
		return Info{}, fmt.Errorf("ari: renewalInfo: %w", err)
	}
	w := ri.SuggestedWindow
	if w == nil || w.Start.IsZero() || w.End.IsZero() {
		return Info{}, errors.New("ari: renewalInfo: no suggestedWindow")
	}
	if !w.End.After(w.Start) {
		return Info{}, fmt.Errorf("ari: renewalInfo: window ends (%s) before it starts (%s)", w.End, w.Start)
	}
	return Info{Window: Window{Start: w.Start.UTC(), End: w.End.UTC()}, ExplanationURL: explanation(ri.ExplanationURL)}, nil
}

// explanation keeps a link only if it is a plain http(s) URL of bounded
// length: the dashboard shows it as a link, and a javascript: URL there
// would run in the user's session.
func explanation(s string) string {
	if s == "" || len(s) > maxExplanationURL {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return u.String()
}

// retryAfter reads a Retry-After header (seconds or an HTTP date) and
// bounds it; zero when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		d = time.Duration(min(max(secs, 0), int64(MaxRetry/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return 0
	}
	return min(max(d, MinRetry), MaxRetry)
}
