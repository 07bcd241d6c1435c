package mattermost_test

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
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/mattermost"
	"certinel.dev/server/internal/notify/notifytest"
)

func newProvider() *mattermost.Provider {
	return mattermost.New(httppost.New(netguard.New(true).HTTPClient(5 * time.Second)))
}

func channel(t *testing.T, cfg map[string]string) notify.Channel {
	t.Helper()
	raw, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return notify.Channel{ID: "ch_1", Name: "ops", Type: mattermost.Type, Config: raw}
}

type sent struct {
	Text        string `json:"text"`
	Attachments []struct {
		Title, Text, Color string
		Fields             []struct{ Title, Value string }
	} `json:"attachments"`
}

func send(t *testing.T, cfg map[string]string, msg notify.Message) (notifytest.Request, sent) {
	t.Helper()
	rcv := notifytest.NewReceiver(t)
	cfg["url"] = rcv.URL + "/hooks/xyz123"
	if err := newProvider().Send(context.Background(), channel(t, cfg), msg); err != nil {
		t.Fatal(err)
	}
	got := rcv.Requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	var s sent
	if err := json.Unmarshal(got[0].Body, &s); err != nil {
		t.Fatal(err)
	}
	return got[0], s
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
			r, _ := send(t, map[string]string{"username": "Certinel", "icon_url": "https://certinel.example/icon.png"}, tc.msg)
			if r.Method != http.MethodPost || r.Path != "/hooks/xyz123" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("request %s %s, Content-Type %q", r.Method, r.Path, r.Header.Get("Content-Type"))
			}
			var b bytes.Buffer
			if err := json.Indent(&b, r.Body, "", "  "); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
			notifytest.Golden(t, tc.golden, b.Bytes())
		})
	}
}

func TestSendHostileText(t *testing.T) {
	msg := notify.Message{Digest: true}
	for range 25 {
		msg.Events = append(msg.Events, notifytest.Hostile())
	}
	_, s := send(t, map[string]string{}, msg)
	if len(s.Attachments) != 20 || !strings.HasSuffix(s.Text, "\n…and 5 more alerts, listed in the Certinel dashboard.") {
		t.Errorf("%d attachments, text %q", len(s.Attachments), s.Text)
	}
	a := s.Attachments[0]
	want := `bad byte \<script\>alert(1)\</script\> & \<b\>bold\</b\> \*star\* \_under\_ ` + "\\`tick\\`" +
		` \[link\](https://evil.example) \<!channel\> @` + "\u200b" + `everyone @` + "\u200b" + `here \<@` + "\u200b" + `123\>`
	if !strings.HasPrefix(a.Text, want) || len(a.Text) > 1000 || strings.ContainsRune(a.Text, 0) {
		t.Errorf("attachment text (%d bytes) = %.300q", len(a.Text), a.Text)
	}
	if !strings.HasPrefix(a.Title, `\<b\>evil\</b\>.example:443`) || a.Color != "#F9A825" {
		t.Errorf("title %q, color %q", a.Title, a.Color)
	}
}

func TestSendClassifiesAnswers(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusBadRequest, true},
		{http.StatusForbidden, true},
		{http.StatusTooManyRequests, false},
		{http.StatusServiceUnavailable, false},
	} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(tc.status, `{"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook."}`)
		err := newProvider().Send(context.Background(), channel(t, map[string]string{"url": rcv.URL + "/hooks/secret-hook-id"}), notifytest.Digest(1))
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: err = %v, permanent %v; want %v", tc.status, err, notify.IsPermanent(err), tc.permanent)
		}
		if err != nil && (strings.Contains(err.Error(), "secret-hook-id") || !strings.HasPrefix(err.Error(), "Mattermost: ")) {
			t.Errorf("%d: error %q must name Mattermost without the URL", tc.status, err)
		}
	}
}

func TestValidate(t *testing.T) {
	p := newProvider()
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "ok", Raw: `{"url": "https://mm.example.com/hooks/abc", "username": " Certinel ", "icon_url": ""}`,
			Want: `{"url":"https://mm.example.com/hooks/abc","username":"Certinel"}`},
		{Name: "no url", Raw: `{"username": "x"}`, Err: "url: is required", Field: "url"},
		{Name: "long username", Raw: `{"url": "https://mm.example.com/hooks/abc", "username": "` + strings.Repeat("é", 65) + `"}`,
			Err: "username: must be one line of at most 64 characters", Field: "username"},
		{Name: "username newline", Raw: `{"url": "https://mm.example.com/hooks/abc", "username": "a\nb"}`,
			Err: "username: must be one line of at most 64 characters", Field: "username"},
		{Name: "bad icon", Raw: `{"url": "https://mm.example.com/hooks/abc", "icon_url": "javascript:alert(1)"}`,
			Err: "icon_url: must be an absolute http:// or https:// URL", Field: "icon_url"},
		{Name: "unknown", Raw: `{"url": "https://mm.example.com/hooks/abc", "channel": "town-square"}`, Err: `config is not a valid Mattermost config: unknown field "channel"`},
	})
}
