package googlechat_test

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
	"certinel.dev/server/internal/notify/googlechat"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/notifytest"
)

const hookPath = "/v1/spaces/AAAAbcdEfg/messages"
const hookQuery = "key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=secret-token-value"

// newProvider accepts the receiver's origin in place of chat.googleapis.com.
func newProvider(origin string) *googlechat.Provider {
	return googlechat.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second)), googlechat.WithOrigin(origin))
}

func channel(t *testing.T, url string) notify.Channel {
	t.Helper()
	raw, err := json.Marshal(map[string]string{"url": url})
	if err != nil {
		t.Fatal(err)
	}
	return notify.Channel{ID: "ch_1", Name: "ops", Type: googlechat.Type, Config: raw}
}

func send(t *testing.T, msg notify.Message) notifytest.Request {
	t.Helper()
	rcv := notifytest.NewReceiver(t)
	rcv.Answer(http.StatusOK, `{"name":"spaces/AAAAbcdEfg/messages/1"}`)
	if err := newProvider(rcv.URL).Send(context.Background(), channel(t, rcv.URL+hookPath+"?"+hookQuery), msg); err != nil {
		t.Fatal(err)
	}
	got := rcv.Requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	return got[0]
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
			r := send(t, tc.msg)
			if r.Method != http.MethodPost || r.Path != hookPath || r.Query != hookQuery || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("request %s %s?%s, Content-Type %q", r.Method, r.Path, r.Query, r.Header.Get("Content-Type"))
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
	r := send(t, msg)
	if len(r.Body) > 32000 {
		t.Errorf("body is %d bytes; Google Chat takes 32,000", len(r.Body))
	}
	var p struct {
		Text    string
		CardsV2 []struct {
			Card struct {
				Sections []struct {
					Header  string
					Widgets []struct {
						DecoratedText *struct{ TopLabel, Text string }
						TextParagraph *struct{ Text string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	sections := p.CardsV2[0].Card.Sections
	if len(sections) != 21 || sections[20].Widgets[0].TextParagraph.Text != "…and 5 more alerts, listed in the Certinel dashboard." {
		t.Fatalf("%d sections", len(sections))
	}
	if h := sections[0].Header; !strings.HasPrefix(h, "&lt;b&gt;evil&lt;/b&gt;.example:443 expires") {
		t.Errorf("section header %q", h)
	}
	for _, w := range sections[0].Widgets {
		if d := w.DecoratedText; d != nil && d.TopLabel == "Detail" {
			if !strings.HasPrefix(d.Text, "bad byte &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;") || len(d.Text) > 3000 {
				t.Errorf("detail (%d bytes) = %.200q", len(d.Text), d.Text)
			}
		}
	}
	if strings.ContainsAny(p.Text, "<>") {
		t.Errorf("text line %q holds markup", p.Text)
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
		rcv.Answer(tc.status, `{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT"}}`)
		err := newProvider(rcv.URL).Send(context.Background(), channel(t, rcv.URL+hookPath+"?"+hookQuery), notifytest.Digest(1))
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: err = %v, permanent %v; want %v", tc.status, err, notify.IsPermanent(err), tc.permanent)
		}
		if err != nil && (strings.Contains(err.Error(), "secret-token") || !strings.HasPrefix(err.Error(), "Google Chat: ")) {
			t.Errorf("%d: error %q must name Google Chat without the URL", tc.status, err)
		}
	}
}

func TestValidate(t *testing.T) {
	p := googlechat.New(httppost.New(&http.Client{}))
	ok := "https://chat.googleapis.com" + hookPath + "?" + hookQuery
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "ok", Raw: `{"url": " ` + ok + ` "}`, Want: `{"url":"` + strings.Replace(ok, "&", `\u0026`, 1) + `"}`},
		{Name: "missing", Raw: `{}`, Err: "url: is required", Field: "url"},
		{Name: "http", Raw: `{"url": "http://chat.googleapis.com` + hookPath + "?" + hookQuery + `"}`,
			Err: "url: must be a Google Chat webhook URL, starting with https://chat.googleapis.com/", Field: "url"},
		{Name: "other host", Raw: `{"url": "https://chat.googleapis.com.evil.example` + hookPath + "?" + hookQuery + `"}`,
			Err: "url: must be a Google Chat webhook URL, starting with https://chat.googleapis.com/", Field: "url"},
		{Name: "other port", Raw: `{"url": "https://chat.googleapis.com:8443` + hookPath + "?" + hookQuery + `"}`,
			Err: "url: must be a Google Chat webhook URL, starting with https://chat.googleapis.com/", Field: "url"},
		{Name: "path", Raw: `{"url": "https://chat.googleapis.com/v1/other?` + hookQuery + `"}`,
			Err: "url: must be a space's webhook URL: /v1/spaces/…/messages", Field: "url"},
		{Name: "no token", Raw: `{"url": "https://chat.googleapis.com` + hookPath + `?key=k"}`,
			Err: "url: must keep its key and token parameters: copy the whole URL", Field: "url"},
	})
}
