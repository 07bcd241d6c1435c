package ntfy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/ntfy"
)

const token = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2"

func provider(rcv *notifytest.Receiver) *ntfy.Provider {
	return ntfy.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second), httppost.SendTo(rcv.URL)))
}

func channel(server, tok string) notify.Channel {
	cfg, _ := json.Marshal(map[string]string{"server": server, "topic": "certinel-ops", "token": tok})
	return notify.Channel{ID: "ch_ntfy", Type: ntfy.Type, Config: cfg}
}

type published struct {
	Topic, Title, Message, Click string
	Priority                     int
	Tags                         []string
}

func send(t *testing.T, msg notify.Message, tok string) (notifytest.Request, published) {
	t.Helper()
	rcv := notifytest.NewReceiver(t)
	rcv.Answer(http.StatusOK, `{"id":"abc","event":"message"}`)
	if err := provider(rcv).Send(context.Background(), channel("https://push.example.com/ntfy/", tok), msg); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Host != "push.example.com" || r.Path != "/ntfy/" || r.Query != "" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s?%s (%s)", r.Method, r.Path, r.Query, r.Header.Get("Content-Type"))
	}
	var p published
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Topic != "certinel-ops" {
		t.Errorf("topic %q", p.Topic)
	}
	return r, p
}

func TestSingleWithToken(t *testing.T) {
	r, p := send(t, notify.Message{Events: []notify.Event{notifytest.Expiring()}}, token)
	if got := r.Header.Get("Authorization"); got != "Bearer "+token {
		t.Errorf("Authorization = %q", got)
	}
	if p.Title != "www.example.com:443 expires in 7 days" || p.Priority != 4 || strings.Join(p.Tags, ",") != "warning" ||
		p.Click != "https://certinel.example/domains/dom_7" || !strings.Contains(p.Message, notifytest.Fingerprint) {
		t.Errorf("published = %+v", p)
	}
	notifytest.GoldenRequests(t, "single.txt", []notifytest.Request{r})
}

func TestNoTokenNoAuthorization(t *testing.T) {
	r, _ := send(t, notify.Message{Events: []notify.Event{notifytest.Expiring()}}, "")
	if _, ok := r.Header["Authorization"]; ok {
		t.Error("Authorization sent without a token")
	}
}

func TestResolvedIsDefaultPriority(t *testing.T) {
	r, p := send(t, notify.Message{Events: []notify.Event{notifytest.Resolved()}}, "")
	if p.Priority != 3 || strings.Join(p.Tags, ",") != "white_check_mark" || p.Title != "Resolved: www.example.com:443 (expiring)" {
		t.Errorf("published = %+v", p)
	}
	notifytest.GoldenRequests(t, "resolved.txt", []notifytest.Request{r})
}

func TestDigestTakesMostUrgent(t *testing.T) {
	msg := notifytest.Digest(3)
	msg.Events[1].Type = notify.TypeExpired
	r, p := send(t, msg, "")
	if p.Priority != 5 || strings.Join(p.Tags, ",") != "rotating_light" || p.Click != "" || !strings.HasPrefix(p.Title, "[Certinel] 3 alerts") {
		t.Errorf("published = %+v", p)
	}
	notifytest.GoldenRequests(t, "digest.txt", []notifytest.Request{r})
}

func TestErrorClasses(t *testing.T) {
	for status, permanent := range map[int]bool{http.StatusForbidden: true, http.StatusTooManyRequests: false, http.StatusBadGateway: false} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(status, `{"code":40301,"error":"forbidden"}`)
		err := provider(rcv).Send(context.Background(), channel("", token), notify.Message{Events: []notify.Event{notifytest.Expiring()}})
		if err == nil || notify.IsPermanent(err) != permanent {
			t.Errorf("%d: err %v, want permanent %v", status, err, permanent)
			continue
		}
		if strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "ntfy") {
			t.Errorf("%d: error %q", status, err)
		}
	}
}

func TestValidate(t *testing.T) {
	p := ntfy.New(nil)
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "default server", Raw: `{"topic":"alerts_1"}`, Want: `{"server":"https://ntfy.sh","topic":"alerts_1"}`},
		{Name: "self-hosted", Raw: `{"server":" https://push.example.com/ntfy/ ","topic":"a","token":"tk_x"}`,
			Want: `{"server":"https://push.example.com/ntfy","topic":"a","token":"tk_x"}`},
		{Name: "missing topic", Raw: `{}`, Field: "topic", Err: "topic: must be 1 to 64 letters, digits, - or _"},
		{Name: "topic with slash", Raw: `{"topic":"a/b"}`, Field: "topic", Err: "topic: must be 1 to 64 letters, digits, - or _"},
		{Name: "long topic", Raw: `{"topic":"` + strings.Repeat("t", 65) + `"}`, Field: "topic", Err: "topic: must be 1 to 64 letters, digits, - or _"},
		{Name: "http server", Raw: `{"server":"http://push.example.com","topic":"a"}`, Field: "server", Err: "server: must be an absolute https:// URL"},
		{Name: "query", Raw: `{"server":"https://push.example.com/?x=1","topic":"a"}`, Field: "server", Err: "server: must be the server's address, without a query"},
		{Name: "token with space", Raw: `{"topic":"a","token":"tk_1 2"}`, Field: "token", Err: "token: must hold printable characters only, without spaces"},
		{Name: "unknown field", Raw: `{"topic":"a","password":"x"}`, Err: `config is not a valid ntfy config: unknown field "password"`},
	})
}

func TestDescribe(t *testing.T) {
	d := ntfy.New(nil).Describe()
	if d.Type != "ntfy" || strings.Join(d.Secrets(), ",") != "token" {
		t.Errorf("describe = %+v", d)
	}
}
