package webhook

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

var _ notify.Sender = (*Sender)(nil)

const (
	userAgent = "Certinel-Webhook/1"
	// DefaultTimeout bounds one delivery when neither the context nor the client sets a
	// shorter limit, so a receiver that never answers cannot hold a worker.
	DefaultTimeout = 30 * time.Second
	// maxResponseBody is how much of a receiver's answer is read, to quote it in errors.
	maxResponseBody = 1 << 10
	maxQuoted       = 200
)

// Sender posts messages to webhook channels.
type Sender struct {
	client *http.Client
	now    func() time.Time
}

// New returns a Sender using client, which must refuse private addresses for a hosted
// install (netguard.Guard.HTTPClient). Redirects are not followed whatever client does:
// the signed alert would go to a URL the customer did not configure, and a 301/302
// would turn the POST into a bodiless GET that "succeeds". now is the clock for the
// signature timestamp; nil means time.Now.
func New(client *http.Client, now func() time.Time) *Sender {
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if now == nil {
		now = time.Now
	}
	return &Sender{client: &c, now: now}
}

// Send posts msg to the channel's URL. 2xx is delivered; 408, 429, 5xx, network errors
// and timeouts are retryable errors; anything else is permanent.
func (s *Sender) Send(ctx context.Context, ch notify.Channel, msg notify.Message) error {
	if len(msg.Events) == 0 {
		return notify.Permanent(notify.ErrNoEvents)
	}
	cfg, err := ParseConfig(ch.Config)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: channel %s: %w", ch.ID, err))
	}
	now := s.now()
	body, err := encode(cfg.Format, msg, now)
	if err != nil {
		return fmt.Errorf("webhook: channel %s: %w", ch.ID, err)
	}

	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook: channel %s: build request: %w", ch.ID, err))
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	id := notify.DeliveryID(ch, msg)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("X-Certinel-Event", msg.Events[0].ID)
	req.Header.Set("X-Certinel-Timestamp", ts)
	// Lower-case names as the standard writes them; Go sends them canonicalised, and
	// header names are case-insensitive.
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", ts)
	if cfg.Secret != "" {
		req.Header.Set("X-Certinel-Signature", Signature(cfg.Secret, now.Unix(), body))
		req.Header.Set("webhook-signature", StandardSignature(cfg.Secret, id, now.Unix(), body))
	}

	where := "channel " + ch.ID + ": POST " + redact(cfg.URL)
	resp, err := s.client.Do(req)
	if err != nil {
		return transportError(where, err)
	}
	defer resp.Body.Close()
	return statusError(where, resp)
}

func encode(format string, msg notify.Message, now time.Time) ([]byte, error) {
	var v any = newPayload(msg, now)
	if format == FormatSlack {
		v = newSlackPayload(msg)
	}
	// Without HTML escaping, "<" in Slack links stays readable for whoever debugs a
	// receiver; the body is JSON, never embedded in HTML by us.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode %s payload: %w", format, err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// transportError words a failed request without the URL's path and query, which for
// Slack and many others is the credential. A refused address is permanent: the URL
// points into a network the server must not reach.
func transportError(where string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	wrapped := fmt.Errorf("webhook: %s: %w", where, err)
	if errors.Is(err, netguard.ErrForbiddenAddress) {
		return notify.Permanent(wrapped)
	}
	return wrapped
}

func statusError(where string, resp *http.Response) error {
	code := resp.StatusCode
	if code >= 200 && code <= 299 {
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBody))
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	err := fmt.Errorf("webhook: %s: receiver answered %s", where, resp.Status)
	if q := quote(snippet); q != "" {
		err = fmt.Errorf("%w: %s", err, q)
	}
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return err
	case code >= 300 && code <= 399:
		return notify.Permanent(fmt.Errorf("%w (redirects are not followed; configure the final URL)", err))
	}
	return notify.Permanent(err)
}

// quote keeps a receiver's answer short and on one line for the delivery log.
func quote(body []byte) string {
	s := strings.Join(strings.Fields(string(bytes.ToValidUTF8(body, []byte("?")))), " ")
	if s == "" {
		return ""
	}
	return strconv.Quote(safetext.Fit(s, maxQuoted))
}

// redact keeps scheme and host: enough to tell which receiver failed.
func redact(raw string) string {
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
