package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/webhook"
)

var sentAt = time.Date(2025, 3, 1, 9, 30, 5, 0, time.UTC)

const secret = "s3cr3t-shared-with-the-receiver"

// received is one request as the receiver saw it.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a real HTTP server that records requests and answers with status.
func receiver(t *testing.T, status int) (*httptest.Server, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		got = append(got, received{r.Header.Clone(), body})
		mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, "receiver says\nhello")
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

// newSender uses the production client with private addresses allowed, since the test
// receiver listens on loopback.
func newSender(timeout time.Duration) *webhook.Provider {
	return webhook.New(netguard.New(true).HTTPClient(timeout), nil, func() time.Time { return sentAt })
}

func channel(t *testing.T, cfg map[string]string) notify.Channel {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return notify.Channel{ID: "ch_1", Name: "ops", Type: "webhook", Config: raw}
}

func single() notify.Message {
	return notify.Message{Events: []notify.Event{notifytest.Expiring()}}
}

// verify is what a receiver implements from the documented contract, written from the
// docs rather than by calling webhook.Signature.
func verify(r received, secret string, now time.Time) error {
	ts := r.header.Get("X-Certinel-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if age := now.Sub(time.Unix(sec, 0)); age > 5*time.Minute || age < -5*time.Minute {
		return errors.New("timestamp outside 5 minutes")
	}
	sig, ok := strings.CutPrefix(r.header.Get("X-Certinel-Signature"), "sha256=")
	if !ok {
		return errors.New("no sha256 signature")
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return errors.New("signature not hex")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(r.body)))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errors.New("signature mismatch")
	}
	return nil
}

func TestSendJSONSigned(t *testing.T) {
	srv, got := receiver(t, http.StatusNoContent)
	err := newSender(5*time.Second).Send(context.Background(), channel(t, map[string]string{"url": srv.URL + "/hook", "secret": secret}), single())
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	reqs := got()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	for h, want := range map[string]string{
		"Content-Type":         "application/json",
		"User-Agent":           "Certinel-Webhook/1",
		"X-Certinel-Event":     notifytest.Expiring().ID,
		"X-Certinel-Timestamp": strconv.FormatInt(sentAt.Unix(), 10),
	} {
		if v := r.header.Get(h); v != want {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
	if err := verify(r, secret, sentAt.Add(time.Minute)); err != nil {
		t.Errorf("independent verifier: %v", err)
	}
	if err := verify(r, "wrong secret", sentAt); err == nil {
		t.Error("verifier accepted a wrong secret")
	}
	tampered := r
	tampered.body = bytes.Replace(r.body, []byte(`"days_left":7`), []byte(`"days_left":70`), 1)
	if err := verify(tampered, secret, sentAt); err == nil {
		t.Error("verifier accepted a tampered body")
	}
	if err := verify(r, secret, sentAt.Add(6*time.Minute)); err == nil {
		t.Error("verifier accepted a replay after 6 minutes")
	}

	var p webhook.Payload
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.Type != webhook.PayloadAlert || len(p.Events) != 1 || p.Events[0].SHA256 != notifytest.Fingerprint {
		t.Errorf("payload = %+v", p)
	}
	notifytest.Golden(t, "alert.json", indent(t, r.body))
}

// verifyStandard is a Standard Webhooks receiver written from the specification: the
// signed content is id.timestamp.body, the key the base64 after "whsec_", and the header
// a space-separated list of "v1,<base64>" signatures.
func verifyStandard(r received, whsec string, now time.Time) error {
	id, ts := r.header.Get("webhook-id"), r.header.Get("webhook-timestamp")
	if id == "" {
		return errors.New("no webhook-id")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad webhook-timestamp")
	}
	if age := now.Sub(time.Unix(sec, 0)); age > 5*time.Minute || age < -5*time.Minute {
		return errors.New("timestamp outside 5 minutes")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(whsec, "whsec_"))
	if err != nil {
		return errors.New("secret is not whsec_ base64")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(r.body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(r.header.Get("webhook-signature")) {
		if v, ok := strings.CutPrefix(sig, "v1,"); ok {
			if got, err := base64.StdEncoding.DecodeString(v); err == nil && hmac.Equal(got, want) {
				return nil
			}
		}
	}
	return errors.New("no matching v1 signature")
}

// TestStandardWebhooksHeaders: every request carries webhook-id (the same on a retry of
// the same delivery, another for another channel), webhook-timestamp and, with a
// secret, a webhook-signature that a Standard Webhooks verifier accepts, whether the
// channel's secret is plain or a whsec_ secret.
func TestStandardWebhooksHeaders(t *testing.T) {
	srv, got := receiver(t, http.StatusOK)
	whsec := "whsec_" + base64.StdEncoding.EncodeToString([]byte("a key of raw bytes \x00\xff"))
	clock := sentAt
	sender := webhook.New(netguard.New(true).HTTPClient(5*time.Second), nil, func() time.Time { return clock })
	send := func(id, secret string) received {
		t.Helper()
		ch := channel(t, map[string]string{"url": srv.URL, "secret": secret})
		ch.ID = id
		if err := sender.Send(context.Background(), ch, single()); err != nil {
			t.Fatal(err)
		}
		reqs := got()
		return reqs[len(reqs)-1]
	}
	first := send("ch_1", secret)
	clock = clock.Add(90 * time.Second) // the retry, later
	retry := send("ch_1", secret)
	other := send("ch_2", whsec)

	id := first.header.Get("webhook-id")
	if id == "" || retry.header.Get("webhook-id") != id {
		t.Errorf("webhook-id %q, on retry %q: want one stable id", id, retry.header.Get("webhook-id"))
	}
	if other.header.Get("webhook-id") == id {
		t.Error("two channels got the same webhook-id")
	}
	if ts := retry.header.Get("webhook-timestamp"); ts != strconv.FormatInt(clock.Unix(), 10) || ts != retry.header.Get("X-Certinel-Timestamp") {
		t.Errorf("webhook-timestamp %q, want the time of the retry", ts)
	}
	plain := "whsec_" + base64.StdEncoding.EncodeToString([]byte(secret))
	for name, c := range map[string]struct {
		r     received
		whsec string
		ok    bool
	}{
		"plain secret":      {first, plain, true},
		"retry":             {retry, plain, true},
		"whsec secret":      {other, whsec, true},
		"wrong secret":      {first, whsec, false},
		"other delivery id": {received{header: withHeader(first.header, "webhook-id", "msg_other"), body: first.body}, plain, false},
	} {
		if err := verifyStandard(c.r, c.whsec, clock); (err == nil) != c.ok {
			t.Errorf("%s: verifier says %v, want accepted=%v", name, err, c.ok)
		}
	}
	if err := verify(other, whsec, clock); err != nil {
		t.Errorf("X-Certinel-Signature of a whsec_ channel, keyed by the secret as written: %v", err)
	}
}

func withHeader(h http.Header, key, value string) http.Header {
	h = h.Clone()
	h.Set(key, value)
	return h
}

func TestSendUnsigned(t *testing.T) {
	srv, got := receiver(t, http.StatusOK)
	if err := newSender(5*time.Second).Send(context.Background(), channel(t, map[string]string{"url": srv.URL}), single()); err != nil {
		t.Fatal(err)
	}
	r := got()[0]
	if sig := r.header.Get("X-Certinel-Signature") + r.header.Get("webhook-signature"); sig != "" {
		t.Errorf("unsigned channel sent signature %q", sig)
	}
	if r.header.Get("webhook-id") == "" {
		t.Error("unsigned channel sent no webhook-id")
	}
}

func TestSendSlack(t *testing.T) {
	srv, got := receiver(t, http.StatusOK)
	send := func(msg notify.Message) (slackPayload, []byte) {
		t.Helper()
		before := len(got())
		if err := newSender(5*time.Second).Send(context.Background(), channel(t, map[string]string{"url": srv.URL, "format": "slack"}), msg); err != nil {
			t.Fatal(err)
		}
		body := got()[before].body
		var p slackPayload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		checkSlack(t, p)
		return p, body
	}

	p, body := send(single())
	if len(p.Blocks) != 3 || p.Blocks[0].Type != "header" || p.Blocks[1].Type != "section" || p.Blocks[2].Type != "context" {
		t.Fatalf("single alert blocks = %+v, want header, section, context", p.Blocks)
	}
	section := p.Blocks[1]
	if !slices.ContainsFunc(section.Fields, func(f slackText) bool { return strings.Contains(f.Text, "`"+notifytest.Fingerprint+"`") }) {
		t.Errorf("single alert fields = %+v, want the fingerprint in one", section.Fields)
	}
	if a := section.Accessory; a == nil || a.Type != "button" || a.Text.Text != "View in Certinel" || a.URL != "https://certinel.example/domains/dom_7" {
		t.Errorf("section accessory = %+v, want the View in Certinel button to the domain", section.Accessory)
	}
	notifytest.Golden(t, "slack.json", indent(t, body))

	_, body = send(notifytest.Digest(3))
	notifytest.Golden(t, "slack_digest.json", indent(t, body))

	p, _ = send(notifytest.Digest(60))
	if len(p.Blocks) != 50 {
		t.Fatalf("digest of 60 has %d blocks, want 50", len(p.Blocks))
	}
	if p.Text != "[Certinel] 60 alerts for Example Inc" {
		t.Errorf("text = %q", p.Text)
	}
	last := p.Blocks[len(p.Blocks)-1]
	if last.Type != "context" || !strings.Contains(last.Elements[0].Text, "and 12 more alerts") {
		t.Errorf("last block = %+v, want the 12 left out counted", last)
	}
}

// slackPayload mirrors what Slack documents for incoming webhooks.
type slackPayload struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type      string      `json:"type"`
		Text      *slackText  `json:"text"`
		Fields    []slackText `json:"fields"`
		Accessory *struct {
			Type string    `json:"type"`
			Text slackText `json:"text"`
			URL  string    `json:"url"`
		} `json:"accessory"`
		Elements []slackText `json:"elements"`
	} `json:"blocks"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func checkSlack(t *testing.T, p slackPayload) {
	t.Helper()
	if p.Text == "" || len(p.Blocks) == 0 || len(p.Blocks) > 50 {
		t.Fatalf("text %q with %d blocks", p.Text, len(p.Blocks))
	}
	for i, b := range p.Blocks {
		switch b.Type {
		case "header":
			if b.Text == nil || b.Text.Type != "plain_text" || len([]rune(b.Text.Text)) > 150 {
				t.Errorf("block %d: bad header %+v", i, b.Text)
			}
		case "section":
			if b.Text == nil || b.Text.Type != "mrkdwn" || b.Text.Text == "" || len([]rune(b.Text.Text)) > 3000 || len(b.Fields) > 10 {
				t.Errorf("block %d: bad section %+v with %d fields", i, b.Text, len(b.Fields))
			}
			for _, f := range b.Fields {
				if f.Type != "mrkdwn" || f.Text == "" || len([]rune(f.Text)) > 2000 {
					t.Errorf("block %d: bad field %+v", i, f)
				}
			}
			if a := b.Accessory; a != nil && (a.Type != "button" || a.Text.Type != "plain_text" || a.URL == "" || len(a.URL) > 3000) {
				t.Errorf("block %d: bad accessory %+v", i, a)
			}
		case "context":
			if len(b.Elements) == 0 {
				t.Errorf("block %d: empty context", i)
			}
		default:
			t.Errorf("block %d: unexpected type %q", i, b.Type)
		}
	}
}

func TestSlackEscapesMarkup(t *testing.T) {
	srv, got := receiver(t, http.StatusOK)
	msg := single()
	msg.Events[0].Detail = "handshake failed <!channel> & <https://evil.example|click>"
	if err := newSender(5*time.Second).Send(context.Background(), channel(t, map[string]string{"url": srv.URL, "format": "slack"}), msg); err != nil {
		t.Fatal(err)
	}
	body := string(got()[0].body)
	if strings.Contains(body, "<!channel>") || !strings.Contains(body, "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;") {
		t.Errorf("detail not escaped for Slack: %s", body)
	}
}

func TestSendStatus(t *testing.T) {
	tests := []struct {
		status    int
		permanent bool
	}{
		{http.StatusBadRequest, true},
		{http.StatusUnauthorized, true},
		{http.StatusNotFound, true},
		{http.StatusGone, true},
		{http.StatusMovedPermanently, true},
		{http.StatusRequestTimeout, false},
		{http.StatusTooManyRequests, false},
		{http.StatusInternalServerError, false},
		{http.StatusBadGateway, false},
		{http.StatusServiceUnavailable, false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			srv, got := receiver(t, tt.status)
			ch := channel(t, map[string]string{"url": srv.URL + "/T000/B000/XXXXXXXX", "secret": secret})
			err := newSender(5*time.Second).Send(context.Background(), ch, single())
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if notify.IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", !tt.permanent, tt.permanent, err)
			}
			if len(got()) != 1 {
				t.Errorf("receiver got %d requests, want 1 (redirects are not followed)", len(got()))
			}
			msg := err.Error()
			if !strings.Contains(msg, strconv.Itoa(tt.status)) || !strings.Contains(msg, `"receiver says hello"`) {
				t.Errorf("error lacks status or answer: %v", err)
			}
			if strings.Contains(msg, "XXXXXXXX") || strings.Contains(msg, secret) {
				t.Errorf("error leaks the URL path or secret: %v", err)
			}
		})
	}
}

func TestSendHangingReceiver(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	start := time.Now()
	err := newSender(300*time.Millisecond).Send(context.Background(), channel(t, map[string]string{"url": srv.URL}), single())
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send took %v, want about the 300ms client timeout", elapsed)
	}
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("err = %v, want a retryable timeout", err)
	}
}

func TestSendReceiverDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	err := newSender(2*time.Second).Send(context.Background(), channel(t, map[string]string{"url": url}), single())
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
}

func TestSendGuardRefusesLoopback(t *testing.T) {
	srv, got := receiver(t, http.StatusOK)
	s := webhook.New(netguard.New(false).HTTPClient(2*time.Second), nil, nil)
	err := s.Send(context.Background(), channel(t, map[string]string{"url": srv.URL}), single())
	if !errors.Is(err, netguard.ErrForbiddenAddress) || !notify.IsPermanent(err) {
		t.Fatalf("err = %v, want a permanent netguard refusal", err)
	}
	if len(got()) != 0 {
		t.Error("request reached the loopback receiver")
	}
}

func TestSendBadConfigIsPermanent(t *testing.T) {
	ch := notify.Channel{ID: "ch_1", Type: "webhook", Config: json.RawMessage(`{"url": "ftp://x"}`)}
	if err := newSender(time.Second).Send(context.Background(), ch, single()); !notify.IsPermanent(err) {
		t.Errorf("err = %v, want permanent", err)
	}
	ok := channel(t, map[string]string{"url": "https://example.com/"})
	if err := newSender(time.Second).Send(context.Background(), ok, notify.Message{}); !errors.Is(err, notify.ErrNoEvents) || !notify.IsPermanent(err) {
		t.Errorf("empty message: err = %v", err)
	}
}

func indent(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	return append(b.Bytes(), '\n')
}
