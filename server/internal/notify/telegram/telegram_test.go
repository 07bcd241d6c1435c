package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/telegram"
)

const token = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ts"

func newProvider(base string) *telegram.Provider {
	return telegram.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second)), telegram.WithBaseURL(base))
}

func channel(t *testing.T, chat string) notify.Channel {
	t.Helper()
	raw, err := json.Marshal(map[string]string{"bot_token": token, "chat_id": chat})
	if err != nil {
		t.Fatal(err)
	}
	return notify.Channel{ID: "ch_1", Name: "ops", Type: telegram.Type, Config: raw}
}

type sent struct {
	ChatID    string `json:"chat_id"`
	Text      string `json:"text"`
	ParseMode string `json:"parse_mode"`
	NoPreview bool   `json:"disable_web_page_preview"`
}

func sendOne(t *testing.T, msg notify.Message) (notifytest.Request, sent) {
	t.Helper()
	rcv := notifytest.NewReceiver(t)
	rcv.Answer(http.StatusOK, `{"ok":true,"result":{"message_id":1}}`)
	if err := newProvider(rcv.URL+"/").Send(context.Background(), channel(t, "-1001234567890"), msg); err != nil {
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
			r, s := sendOne(t, tc.msg)
			if r.Method != http.MethodPost || r.Path != "/bot"+token+"/sendMessage" || r.Query != "" {
				t.Errorf("request %s %s?%s", r.Method, r.Path, r.Query)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if s.ChatID != "-1001234567890" || s.ParseMode != "HTML" || !s.NoPreview {
				t.Errorf("body = %+v", s)
			}
			var b bytes.Buffer
			if err := json.Indent(&b, r.Body, "", "  "); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
			notifytest.Golden(t, tc.golden, b.Bytes())
			notifytest.Golden(t, strings.TrimSuffix(tc.golden, ".json")+".html", []byte(s.Text+"\n"))
		})
	}
}

var tag = regexp.MustCompile(`<[^>]*>`)

// Text a peer controls shows as text, and the message stays within 4096 characters as
// Telegram counts them: after its tags and entities are parsed.
func TestSendHostileText(t *testing.T) {
	msg := notify.Message{Digest: true}
	for range 8 {
		msg.Events = append(msg.Events, notifytest.Hostile())
	}
	_, s := sendOne(t, msg)
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;", "&lt;b&gt;evil&lt;/b&gt;.example:443", "…and 5 more alerts"} {
		if !strings.Contains(s.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	for _, m := range tag.FindAllString(s.Text, -1) {
		switch {
		case m == "<b>", m == "</b>", m == "<code>", m == "</code>", m == "</a>", strings.HasPrefix(m, `<a href="https://certinel.example/`):
		default:
			t.Errorf("tag %q in the text", m)
		}
	}
	if shown := html.UnescapeString(tag.ReplaceAllString(s.Text, "")); len(shown) > 4096 || strings.ContainsRune(shown, 0) {
		t.Errorf("text shows %d bytes or holds a NUL", len(shown))
	}
}

func TestSendClassifiesAnswersWithoutTheToken(t *testing.T) {
	for _, tc := range []struct {
		status    int
		answer    string
		permanent bool
	}{
		{http.StatusBadRequest, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, true},
		{http.StatusUnauthorized, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, true},
		{http.StatusTooManyRequests, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}`, false},
		{http.StatusServiceUnavailable, "", false},
	} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(tc.status, tc.answer)
		err := newProvider(rcv.URL).Send(context.Background(), channel(t, "@certinel_ops"), notifytest.Digest(1))
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: err = %v, permanent %v; want permanent %v", tc.status, err, notify.IsPermanent(err), tc.permanent)
		}
		if err != nil && (strings.Contains(err.Error(), token[10:]) || !strings.HasPrefix(err.Error(), "Telegram: ")) {
			t.Errorf("%d: error %q must name Telegram without the token", tc.status, err)
		}
	}
	rcv := notifytest.NewReceiver(t)
	rcv.Close()
	err := newProvider(rcv.URL).Send(context.Background(), channel(t, "42"), notifytest.Digest(1))
	if err == nil || strings.Contains(err.Error(), token[10:]) {
		t.Errorf("unreachable: err = %v", err)
	}
}

func TestValidate(t *testing.T) {
	p := newProvider("")
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "ok", Raw: `{"bot_token": " ` + token + ` ", "chat_id": "-100123"}`, Want: `{"bot_token":"` + token + `","chat_id":"-100123"}`},
		{Name: "channel name", Raw: `{"bot_token": "` + token + `", "chat_id": "@certinel_ops"}`, Want: `{"bot_token":"` + token + `","chat_id":"@certinel_ops"}`},
		{Name: "no token", Raw: `{"chat_id": "1"}`, Err: "bot_token: is required", Field: "bot_token"},
		{Name: "bad token", Raw: `{"bot_token": "123/../x:secretsecretsecretsecret", "chat_id": "1"}`,
			Err: "bot_token: is not a bot token: expected digits, a colon and the secret, as @BotFather gives it", Field: "bot_token"},
		{Name: "no chat", Raw: `{"bot_token": "` + token + `"}`, Err: "chat_id: is required", Field: "chat_id"},
		{Name: "bad chat", Raw: `{"bot_token": "` + token + `", "chat_id": "ops channel"}`, Err: "chat_id: must be a numeric chat ID or a public channel's @username", Field: "chat_id"},
		{Name: "chat as number", Raw: `{"bot_token": "` + token + `", "chat_id": 42}`, Err: "chat_id: must be a string", Field: "chat_id"},
	})
}
