package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/discord"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/notifytest"
)

// newProvider posts through the production guard with private addresses allowed, as
// the receiver listens on loopback.
func newProvider() *discord.Provider {
	return discord.New(httppost.New(netguard.New(true).HTTPClient(5 * time.Second)))
}

func channel(t *testing.T, url string) notify.Channel {
	t.Helper()
	raw, err := json.Marshal(map[string]string{"url": url})
	if err != nil {
		t.Fatal(err)
	}
	return notify.Channel{ID: "ch_1", Name: "ops", Type: discord.Type, Config: raw}
}

func indent(t *testing.T, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, body, "", "  "); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	return append(b.Bytes(), '\n')
}

type sent struct {
	Content string `json:"content"`
	Embeds  []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Fields      []struct{ Name, Value string }
	} `json:"embeds"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

func decode(t *testing.T, body []byte) sent {
	t.Helper()
	var s sent
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		msg    notify.Message
	}{
		{"expiring.json", notify.Message{Events: []notify.Event{notifytest.Expiring()}}},
		{"resolved.json", notify.Message{Events: []notify.Event{notifytest.Resolved()}}},
		{"digest.json", notifytest.Digest(3)},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			rcv := notifytest.NewReceiver(t)
			rcv.Answer(http.StatusNoContent, "")
			if err := newProvider().Send(context.Background(), channel(t, rcv.URL+"/api/webhooks/123/tok-en"), tc.msg); err != nil {
				t.Fatal(err)
			}
			got := rcv.Requests()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			r := got[0]
			if r.Method != http.MethodPost || r.Path != "/api/webhooks/123/tok-en" || r.Query != "" {
				t.Errorf("request %s %s?%s", r.Method, r.Path, r.Query)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			notifytest.Golden(t, tc.golden, indent(t, r.Body))
		})
	}
}

// A digest is split at 10 embeds a message, and stops after 5 messages with a count of
// what is left out.
func TestSendSplitsDigest(t *testing.T) {
	for _, tc := range []struct {
		events   int
		perMsg   []int
		lastLine string
	}{
		{25, []int{10, 10, 5}, ""},
		{80, []int{10, 10, 10, 10, 10}, "…and 30 more alerts, listed in the Certinel dashboard."},
	} {
		rcv := notifytest.NewReceiver(t)
		if err := newProvider().Send(context.Background(), channel(t, rcv.URL), notifytest.Digest(tc.events)); err != nil {
			t.Fatal(err)
		}
		got := rcv.Requests()
		if len(got) != len(tc.perMsg) {
			t.Fatalf("%d events: %d requests, want %d", tc.events, len(got), len(tc.perMsg))
		}
		for i, r := range got {
			s := decode(t, r.Body)
			if len(s.Embeds) != tc.perMsg[i] {
				t.Errorf("%d events: message %d has %d embeds, want %d", tc.events, i, len(s.Embeds), tc.perMsg[i])
			}
		}
		if last := decode(t, got[len(got)-1].Body).Content; tc.lastLine != "" && last != tc.lastLine {
			t.Errorf("last content = %q, want %q", last, tc.lastLine)
		}
	}
}

// Text a peer controls shows as text: no markup, no mention, no NUL, cut to Discord's
// limits, and long details split messages by size before they reach 10 embeds.
func TestSendHostileText(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	msg := notify.Message{Digest: true}
	for range 6 {
		msg.Events = append(msg.Events, notifytest.Hostile())
	}
	if err := newProvider().Send(context.Background(), channel(t, rcv.URL), msg); err != nil {
		t.Fatal(err)
	}
	got := rcv.Requests()
	if len(got) < 2 {
		t.Fatalf("%d requests: 6 long embeds must not fit Discord's 6000 characters in one", len(got))
	}
	for _, r := range got {
		s := decode(t, r.Body)
		if s.AllowedMentions == nil || s.AllowedMentions.Parse == nil || len(s.AllowedMentions.Parse) != 0 {
			t.Errorf("allowed_mentions = %+v, want parse: []", s.AllowedMentions)
		}
		total := 0
		for _, e := range s.Embeds {
			total += len(e.Title) + len(e.Description)
			for _, f := range e.Fields {
				total += len(f.Name) + len(f.Value)
			}
			if strings.ContainsRune(e.Description, 0) || len(e.Description) > 4096 {
				t.Errorf("description has a NUL or is %d bytes", len(e.Description))
			}
			if !strings.HasPrefix(e.Description, `bad byte \<script\>alert(1)\</script\> & \<b\>bold\</b\> \*star\* \_under\_ `+"\\`tick\\`"+` \[link\](https://evil.example) \<!channel\>`) {
				t.Errorf("description not escaped: %.200q", e.Description)
			}
			if !strings.HasPrefix(e.Title, `\<b\>evil\</b\>.example:443 expires`) {
				t.Errorf("title = %q", e.Title)
			}
		}
		if total > 6000 {
			t.Errorf("message carries %d characters, Discord allows 6000", total)
		}
	}
}

func TestSendClassifiesAnswers(t *testing.T) {
	for _, tc := range []struct {
		status    int
		answer    string
		permanent bool
	}{
		{http.StatusBadRequest, `{"message": "Invalid Form Body", "code": 50035}`, true},
		{http.StatusNotFound, `{"message": "Unknown Webhook", "code": 10015}`, true},
		{http.StatusTooManyRequests, `{"message": "You are being rate limited.", "retry_after": 0.5, "global": false}`, false},
		{http.StatusServiceUnavailable, "upstream connect error", false},
	} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(tc.status, tc.answer)
		err := newProvider().Send(context.Background(), channel(t, rcv.URL+"/api/webhooks/1/secret-token"), notifytest.Digest(1))
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: err = %v, permanent %v; want permanent %v", tc.status, err, notify.IsPermanent(err), tc.permanent)
		}
		if err != nil && (strings.Contains(err.Error(), "secret-token") || !strings.HasPrefix(err.Error(), "Discord: ")) {
			t.Errorf("%d: error %q must name Discord without the URL", tc.status, err)
		}
	}
}

func TestValidate(t *testing.T) {
	p := newProvider()
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "ok", Raw: `{"url": " https://discord.com/api/webhooks/1/abc "}`, Want: `{"url":"https://discord.com/api/webhooks/1/abc"}`},
		{Name: "missing", Raw: `{}`, Err: "url: is required", Field: "url"},
		{Name: "scheme", Raw: `{"url": "ftp://discord.com/x"}`, Err: "url: must be an absolute http:// or https:// URL", Field: "url"},
		{Name: "userinfo", Raw: `{"url": "https://u:p@discord.com/x"}`, Err: "url: must not contain a user name or password", Field: "url"},
		{Name: "unknown field", Raw: `{"url": "https://discord.com/x", "token": "t"}`, Err: `config is not a valid Discord config: unknown field "token"`},
		{Name: "wrong type", Raw: `{"url": 5}`, Err: "url: must be a string", Field: "url"},
	})
}
