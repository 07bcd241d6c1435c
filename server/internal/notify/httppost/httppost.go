// Package httppost sends a channel's JSON to an HTTP endpoint and classifies the answer
// the way the outbox needs: delivered, worth retrying, or permanent. Every provider that
// speaks HTTP (webhooks, chat services, on-call services) posts through it.
package httppost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

const (
	// DefaultTimeout bounds one delivery when the context sets no shorter limit, so a
	// receiver that never answers cannot hold a worker.
	DefaultTimeout = 30 * time.Second
	// maxResponseBody is how much of a receiver's answer is read, to quote it in errors.
	maxResponseBody = 1 << 10
	maxQuoted       = 200
	userAgent       = "Certinel/1"
)

// Client posts requests. Redirects are never followed: the alert would go to a URL the
// customer did not configure, and a 301/302 turns the POST into a bodiless GET that
// "succeeds".
type Client struct {
	c      *http.Client
	sendTo *url.URL
}

// Option changes a Client.
type Option func(*Client)

// SendTo connects every request to base's scheme and host instead of the URL's, which
// stays in the Host header with its path and query: provider tests point services whose
// hosts are fixed (PagerDuty) or must be https (Teams) at a local receiver, and the
// receiver checks the host the provider meant. Never set outside tests.
func SendTo(base string) Option {
	return func(c *Client) {
		u, err := url.Parse(base)
		if err != nil || u.Host == "" {
			panic(fmt.Sprintf("httppost: SendTo(%q): not an absolute URL", base))
		}
		c.sendTo = u
	}
}

// New wraps c, which must dial through the SSRF guard (netguard.Guard.HTTPClient) on a
// hosted install.
func New(c *http.Client, opts ...Option) *Client {
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client := &Client{c: &cc}
	for _, o := range opts {
		o(client)
	}
	return client
}

// Request is one POST. Body is encoded as JSON without HTML escaping unless Raw is set.
type Request struct {
	URL    string
	Header http.Header // Content-Type defaults to application/json
	Body   any
	Raw    []byte // sent as is when not nil
	// Where names the destination in errors, without its credential: "PagerDuty".
	// Empty means the URL's scheme and host.
	Where string
}

// Post sends r. A 2xx answer is nil and its body (up to 1 KiB) is returned; 408, 429,
// 5xx, network errors and timeouts are retryable; a refused address, a redirect and any
// other status are permanent.
func (c *Client) Post(ctx context.Context, r Request) ([]byte, error) {
	where := r.Where
	if where == "" {
		where = Redact(r.URL)
	}
	body := r.Raw
	if body == nil {
		var err error
		if body, err = Encode(r.Body); err != nil {
			return nil, notify.Permanent(fmt.Errorf("%s: %w", where, err))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(body))
	if err != nil {
		return nil, notify.Permanent(fmt.Errorf("%s: build request: %w", where, err))
	}
	if c.sendTo != nil {
		req.Host = req.URL.Host
		req.URL.Scheme, req.URL.Host = c.sendTo.Scheme, c.sendTo.Host
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", userAgent)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		return nil, transportError(where, err)
	}
	defer resp.Body.Close()
	return statusError(where, resp)
}

// Encode writes v as compact JSON. Without HTML escaping, "<" in chat links stays
// readable for whoever debugs a receiver; the body is never embedded in HTML by us.
func Encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// transportError words a failed request without the URL, whose path and query are the
// credential for many services. A refused address is permanent: the URL points into a
// network the server must not reach.
func transportError(where string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	wrapped := fmt.Errorf("%s: %w", where, err)
	if errors.Is(err, netguard.ErrForbiddenAddress) {
		return notify.Permanent(wrapped)
	}
	return wrapped
}

func statusError(where string, resp *http.Response) ([]byte, error) {
	code := resp.StatusCode
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if code >= 200 && code <= 299 {
		return snippet, nil
	}
	err := fmt.Errorf("%s: receiver answered %s", where, resp.Status)
	if q := quote(snippet); q != "" {
		err = fmt.Errorf("%w: %s", err, q)
	}
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return nil, err
	case code >= 300 && code <= 399:
		return nil, notify.Permanent(fmt.Errorf("%w (redirects are not followed; configure the final URL)", err))
	}
	return nil, notify.Permanent(err)
}

// quote keeps a receiver's answer short and on one line for the delivery log.
func quote(body []byte) string {
	s := strings.Join(strings.Fields(string(bytes.ToValidUTF8(body, []byte("?")))), " ")
	if s == "" {
		return ""
	}
	return strconv.Quote(safetext.Fit(s, maxQuoted))
}

// Redact keeps scheme and host: enough to tell which receiver failed.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	out := u.Scheme + "://" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		out += "/…"
	}
	return out
}
