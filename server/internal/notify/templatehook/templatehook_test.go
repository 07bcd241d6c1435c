package templatehook_test

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
	"certinel.dev/server/internal/notify/templatehook"
)

// alertBody is what a customer would write for a receiver of their own.
const alertBody = `{
  "summary": {{json .Subject}},
  "digest": {{.Digest}},
  "alerts": [{{range $i, $e := .Events}}{{if $i}}, {{end}}{
    "key": {{json $e.alert_key}},
    "severity": {{json $e.severity}},
    "host": {{json $e.domain.host}},
    "days_left": {{json $e.days_left}},
    "link": {{json $e.dashboard_url}}
  }{{end}}]
}`

const hookURL = "https://alerts.example.com/in?token=T0KEN"

func provider(rcv *notifytest.Receiver) *templatehook.Provider {
	return templatehook.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second), httppost.SendTo(rcv.URL)))
}

func config(t *testing.T, url, contentType, body string) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(map[string]string{"url": url, "content_type": contentType, "body": body})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// send validates the config as the API would, then sends msg with it.
func send(t *testing.T, contentType, body string, msg notify.Message) notifytest.Request {
	t.Helper()
	rcv := notifytest.NewReceiver(t)
	p := provider(rcv)
	cfg, err := p.Validate(context.Background(), config(t, hookURL, contentType, body))
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := p.Send(context.Background(), notify.Channel{ID: "ch_tpl", Type: templatehook.Type, Config: cfg}, msg); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Host != "alerts.example.com" || r.Path != "/in" || r.Query != "token=T0KEN" {
		t.Errorf("request %s %s?%s", r.Method, r.Path, r.Query)
	}
	return r
}

type alerts struct {
	Summary string
	Digest  bool
	Alerts  []struct {
		Key, Severity, Host, Link string
		DaysLeft                  *int `json:"days_left"`
	}
}

func TestSingleAndResolved(t *testing.T) {
	var reqs []notifytest.Request
	for _, e := range []notify.Event{notifytest.Expiring(), notifytest.Resolved()} {
		r := send(t, "", alertBody, notify.Message{Events: []notify.Event{e}})
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		var a alerts
		if err := json.Unmarshal(r.Body, &a); err != nil {
			t.Fatalf("%v\n%s", err, r.Body)
		}
		if a.Summary != notify.Subject(notify.Message{Events: []notify.Event{e}}) || a.Digest || len(a.Alerts) != 1 ||
			a.Alerts[0].Key != notify.AlertKey(e) || a.Alerts[0].Severity != "warning" || a.Alerts[0].Host != "www.example.com" ||
			a.Alerts[0].Link != "https://certinel.example/domains/dom_7" {
			t.Errorf("body = %+v", a)
		}
		reqs = append(reqs, r)
	}
	notifytest.GoldenRequests(t, "single_resolved.txt", reqs)
}

func TestDigest(t *testing.T) {
	r := send(t, templatehook.ContentJSON, alertBody, notifytest.Digest(3))
	var a alerts
	if err := json.Unmarshal(r.Body, &a); err != nil {
		t.Fatal(err)
	}
	if !a.Digest || len(a.Alerts) != 3 || a.Alerts[2].Host != "host003.example.com" || *a.Alerts[2].DaysLeft != 7 {
		t.Errorf("body = %+v", a)
	}
	notifytest.GoldenRequests(t, "digest.txt", []notifytest.Request{r})
}

func TestPlainText(t *testing.T) {
	r := send(t, templatehook.ContentText, "{{.Event.headline}} ({{.Event.severity}}): {{.Event.dashboard_url}}", notify.Message{Events: []notify.Event{notifytest.Expiring()}})
	if ct := r.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if got := string(r.Body); got != "www.example.com:443 expires in 7 days (warning): https://certinel.example/domains/dom_7" {
		t.Errorf("body = %q", got)
	}
}

func TestJSONEscapesValues(t *testing.T) {
	e := notifytest.Expiring()
	e.Detail = "quote \" backslash \\ newline \n <tag>"
	r := send(t, "", `{"detail": {{json .Event.detail}}}`, notify.Message{Events: []notify.Event{e}})
	var got struct{ Detail string }
	if err := json.Unmarshal(r.Body, &got); err != nil || got.Detail != e.Detail {
		t.Errorf("body %s: %v", r.Body, err)
	}
}

func TestInvalidJSONAtSendIsPermanent(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	// Valid for the samples, broken by a detail holding a quote: the reason for json.
	cfg := config(t, hookURL, "", `{"detail": "{{.Event.detail}}"}`)
	e := notifytest.Expiring()
	e.Detail = `say "hi"`
	err := provider(rcv).Send(context.Background(), notify.Channel{ID: "ch_tpl", Config: cfg}, notify.Message{Events: []notify.Event{e}})
	if err == nil || !notify.IsPermanent(err) || !strings.Contains(err.Error(), "does not produce valid JSON") {
		t.Errorf("err = %v", err)
	}
	if n := len(rcv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestErrorClasses(t *testing.T) {
	for status, permanent := range map[int]bool{http.StatusBadRequest: true, http.StatusServiceUnavailable: false} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(status, "")
		cfg := config(t, hookURL, "", alertBody)
		err := provider(rcv).Send(context.Background(), notify.Channel{ID: "ch_tpl", Config: cfg}, notify.Message{Events: []notify.Event{notifytest.Expiring()}})
		if err == nil || notify.IsPermanent(err) != permanent || strings.Contains(err.Error(), "T0KEN") {
			t.Errorf("%d: err %v, want permanent %v without the token", status, err, permanent)
		}
	}
}

func TestValidate(t *testing.T) {
	p := templatehook.New(nil)
	const u = "https://alerts.example.com/in"
	cfg := func(contentType, body string) string { return string(config(t, u, contentType, body)) }
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "json default", Raw: `{"url":"` + u + `","body":"{\"a\":{{json .Subject}}}"}`,
			Want: `{"url":"` + u + `","content_type":"application/json","body":"{\"a\":{{json .Subject}}}"}`},
		{Name: "text", Raw: cfg("text/plain", "{{.Text}}"), Want: `{"url":"` + u + `","content_type":"text/plain","body":"{{.Text}}"}`},
		{Name: "http", Raw: `{"url":"http://alerts.example.com/in","body":"{}"}`, Field: "url", Err: "url: must be an absolute https:// URL"},
		{Name: "content type", Raw: cfg("application/xml", "<a/>"), Field: "content_type",
			Err: `content_type: "application/xml" is not one of "application/json", "text/plain"`},
		{Name: "empty body", Raw: cfg("", "  "), Field: "body", Err: "body: is required"},
		{Name: "long body", Raw: cfg("text/plain", strings.Repeat("x", 16<<10+1)), Field: "body", Err: "body: must be at most 16 KiB"},
		{Name: "parse error", Raw: cfg("", "{{.Subject"), Field: "body",
			Err: "body: does not parse: template: body:1: unclosed action"},
		{Name: "unknown function", Raw: cfg("", "{{env \"HOME\"}}"), Field: "body",
			Err: `body: does not parse: template: body:1: function "env" not defined`},
		{Name: "execution error", Raw: cfg("", `{{index .Events 5}}`), Field: "body",
			Err: "body: does not run: template: body:1:2: executing \"body\" at <index .Events 5>: error calling index: index out of range: 5"},
		{Name: "not json", Raw: cfg("", `{"a": {{.Subject}}}`), Field: "body",
			Err: "body: does not produce valid JSON (write strings with {{json .Subject}}, which quotes and escapes them)"},
		{Name: "breaks digests", Raw: cfg("", `{"a": 1{{if .Digest}},{{end}}}`), Field: "body",
			Err: "body: does not produce valid JSON (write strings with {{json .Subject}}, which quotes and escapes them)"},
		{Name: "range over number", Raw: cfg("text/plain", `{{range 1000000000}}{{end}}`), Field: "body",
			Err: "body: line 1: range may only go over a field of the data, such as .Events"},
		{Name: "range over variable", Raw: cfg("text/plain", `{{$n := 1000000000}}{{range $n}}{{end}}`), Field: "body",
			Err: "body: line 1: range may only go over a field of the data, such as .Events"},
		{Name: "range over dot", Raw: cfg("text/plain", `{{with 1000000000}}{{range .}}{{end}}{{end}}`), Field: "body",
			Err: "body: line 1: range may only go over a field of the data, such as .Events"},
		{Name: "deep ranges", Raw: cfg("text/plain", `{{range .Events}}{{range $.Events}}{{range $.Events}}{{end}}{{end}}{{end}}`), Field: "body",
			Err: "body: must not nest range more than 2 deep"},
		{Name: "recursion", Raw: cfg("text/plain", `{{define "x"}}{{template "x" .}}{{end}}{{template "x" .}}`), Field: "body",
			Err: "body: must not define templates"},
		{Name: "block", Raw: cfg("text/plain", `{{block "x" .}}{{.Subject}}{{end}}`), Field: "body", Err: "body: must not define templates"},
		{Name: "output cap", Raw: cfg("text/plain", `{{range .Events}}{{printf "%900000d" 1}}{{end}}`), Field: "body",
			Err: "body: the body would be larger than 64 KiB"},
		{Name: "unknown field", Raw: `{"url":"` + u + `","body":"{}","method":"PUT"}`, Err: `config is not a valid webhook template config: unknown field "method"`},
	})
}

func TestDescribe(t *testing.T) {
	d := templatehook.New(nil).Describe()
	if d.Type != "webhook_template" || strings.Join(d.Secrets(), ",") != "url" {
		t.Errorf("describe = %+v", d)
	}
}
