package opsgenie_test

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
	"certinel.dev/server/internal/notify/opsgenie"
)

const apiKey = "eb243592-faa2-4ba2-a551q-1afdf565c889"

func provider(rcv *notifytest.Receiver) *opsgenie.Provider {
	return opsgenie.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second), httppost.SendTo(rcv.URL)))
}

func channel() notify.Channel {
	return notify.Channel{ID: "ch_og", Type: opsgenie.Type, Config: json.RawMessage(`{"api_key":"` + apiKey + `"}`)}
}

// checkRequest checks what every Opsgenie request carries and decodes its body.
func checkRequest(t *testing.T, r notifytest.Request, path, query string, into any) {
	t.Helper()
	if r.Method != http.MethodPost || r.Host != "api.opsgenie.com" || r.RawPath != path || r.Query != query {
		t.Errorf("request %s %s%s?%s, want POST api.opsgenie.com%s?%s", r.Method, r.Host, r.RawPath, r.Query, path, query)
	}
	if got := r.Header.Get("Authorization"); got != "GenieKey "+apiKey {
		t.Errorf("Authorization = %q", got)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if err := json.Unmarshal(r.Body, into); err != nil {
		t.Fatal(err)
	}
}

type created struct {
	Message, Alias, Description, Priority, Source, Entity string
	Tags                                                  []string
	Details                                               map[string]string
}

func TestCreateThenClose(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	p := provider(rcv)
	ctx := context.Background()
	for _, e := range []notify.Event{notifytest.Expiring(), notifytest.Resolved()} {
		if err := p.Send(ctx, channel(), notify.Message{Events: []notify.Event{e}}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := rcv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	alias := notify.AlertKey(notifytest.Expiring())
	var a created
	checkRequest(t, reqs[0], "/v2/alerts", "", &a)
	if a.Alias != alias || a.Message != "www.example.com:443 expires in 7 days" || a.Priority != "P3" ||
		a.Source != "Certinel" || a.Entity != "www.example.com:443" || a.Details["Dashboard"] != "https://certinel.example/domains/dom_7" ||
		strings.Join(a.Tags, ",") != "certinel,warning,expiring" || !strings.Contains(a.Description, notifytest.Fingerprint) {
		t.Errorf("alert = %+v", a)
	}
	var c struct{ Source, Note string }
	checkRequest(t, reqs[1], "/v2/alerts/certinel%2Forg_42%2Fexpiring%2Fdomain%2Fdom_7/close", "identifierType=alias", &c)
	if reqs[1].Path != "/v2/alerts/"+alias+"/close" || c.Source != "Certinel" || c.Note != "Resolved: www.example.com:443 (expiring)" {
		t.Errorf("close %s = %+v", reqs[1].Path, c)
	}
	notifytest.GoldenRequests(t, "create_close.txt", reqs)
}

func TestCriticalIsP1(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	e := notifytest.Expiring()
	e.Type = notify.TypeExpired
	if err := provider(rcv).Send(context.Background(), channel(), notify.Message{Events: []notify.Event{e}}); err != nil {
		t.Fatal(err)
	}
	var a created
	checkRequest(t, rcv.Requests()[0], "/v2/alerts", "", &a)
	if a.Priority != "P1" {
		t.Errorf("priority %s, want P1", a.Priority)
	}
}

func TestLongHeadlineFits(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	e := notifytest.Expiring()
	e.Domain.Host = strings.Repeat("é", 100) + ".example.com"
	if err := provider(rcv).Send(context.Background(), channel(), notify.Message{Events: []notify.Event{e}}); err != nil {
		t.Fatal(err)
	}
	var a created
	checkRequest(t, rcv.Requests()[0], "/v2/alerts", "", &a)
	if len(a.Message) > 130 || !strings.HasPrefix(a.Message, "éé") {
		t.Errorf("message of %d bytes: %q", len(a.Message), a.Message)
	}
}

func TestDigestAndTest(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	p := provider(rcv)
	if err := p.Send(context.Background(), channel(), notifytest.Digest(2)); err != nil {
		t.Fatal(err)
	}
	if err := p.Test(context.Background(), channel(), notify.Message{Events: []notify.Event{notifytest.TestEvent()}}); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	want := []string{"/v2/alerts", "/v2/alerts", "/v2/alerts", "/v2/alerts/certinel%2Forg_42%2Ftest%2Fevent%2Fevt_test_1/close"}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.RawPath != want[i] {
			t.Errorf("request %d to %s, want %s", i, r.RawPath, want[i])
		}
	}
	notifytest.GoldenRequests(t, "digest_test.txt", reqs)
}

func TestErrorClasses(t *testing.T) {
	for status, permanent := range map[int]bool{
		http.StatusUnprocessableEntity: true,
		http.StatusUnauthorized:        true,
		http.StatusTooManyRequests:     false,
		http.StatusServiceUnavailable:  false,
	} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(status, `{"message":"nope"}`)
		err := provider(rcv).Send(context.Background(), channel(), notify.Message{Events: []notify.Event{notifytest.Expiring()}})
		if err == nil || notify.IsPermanent(err) != permanent {
			t.Errorf("%d: err %v, want permanent %v", status, err, permanent)
			continue
		}
		if strings.Contains(err.Error(), apiKey) || !strings.Contains(err.Error(), "Opsgenie") {
			t.Errorf("%d: error %q must name Opsgenie and not hold the key", status, err)
		}
	}
}

func TestValidate(t *testing.T) {
	p := opsgenie.New(nil)
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "default region", Raw: `{"api_key":"` + apiKey + `"}`, Want: `{"api_key":"` + apiKey + `","region":"us"}`},
		{Name: "eu", Raw: `{"api_key":"k","region":"eu"}`, Want: `{"api_key":"k","region":"eu"}`},
		{Name: "missing key", Raw: `{"region":"eu"}`, Field: "api_key", Err: "api_key: is required"},
		{Name: "key with newline", Raw: `{"api_key":"abc\r\nX-Evil: 1"}`, Field: "api_key",
			Err: "api_key: must hold printable characters only, without spaces"},
		{Name: "long key", Raw: `{"api_key":"` + strings.Repeat("k", 129) + `"}`, Field: "api_key", Err: "api_key: must be at most 128 characters"},
		{Name: "region", Raw: `{"api_key":"k","region":"au"}`, Field: "region", Err: `region: "au" is not one of "us", "eu"`},
		{Name: "unknown field", Raw: `{"api_key":"k","team":"ops"}`, Err: `config is not a valid Opsgenie config: unknown field "team"`},
		{Name: "not json", Raw: `{"api_key":"secret-value"`, Err: "config is not a valid Opsgenie config: malformed JSON"},
	})
}

func TestDescribe(t *testing.T) {
	d := opsgenie.New(nil).Describe()
	if d.Type != "opsgenie" || strings.Join(d.Secrets(), ",") != "api_key" {
		t.Errorf("describe = %+v", d)
	}
}
