package pagerduty_test

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
	"certinel.dev/server/internal/notify/pagerduty"
)

const routingKey = "R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12"

func provider(rcv *notifytest.Receiver) *pagerduty.Provider {
	return pagerduty.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second), httppost.SendTo(rcv.URL)))
}

func channel() notify.Channel {
	return notify.Channel{ID: "ch_pd", Type: pagerduty.Type, Config: json.RawMessage(`{"routing_key":"` + routingKey + `","region":"eu"}`)}
}

// sent is the part of an enqueue request the tests check field by field.
type sent struct {
	RoutingKey  string `json:"routing_key"`
	EventAction string `json:"event_action"`
	DedupKey    string `json:"dedup_key"`
	Payload     *struct {
		Summary, Source, Severity, Timestamp, Component, Group, Class string
		CustomDetails                                                 map[string]string `json:"custom_details"`
	} `json:"payload"`
	Links []struct{ Href, Text string } `json:"links"`
}

func decode(t *testing.T, r notifytest.Request) sent {
	t.Helper()
	if r.Method != http.MethodPost || r.Host != "events.eu.pagerduty.com" || r.Path != "/v2/enqueue" || r.Query != "" {
		t.Fatalf("request %s %s%s?%s, want POST events.eu.pagerduty.com/v2/enqueue", r.Method, r.Host, r.Path, r.Query)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var s sent
	if err := json.Unmarshal(r.Body, &s); err != nil {
		t.Fatal(err)
	}
	if s.RoutingKey != routingKey {
		t.Errorf("routing_key = %q", s.RoutingKey)
	}
	return s
}

func TestTriggerThenResolve(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	p := provider(rcv)
	ctx := context.Background()
	if err := p.Send(ctx, channel(), notify.Message{Events: []notify.Event{notifytest.Expiring()}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Send(ctx, channel(), notify.Message{Events: []notify.Event{notifytest.Resolved()}}); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	trigger, resolve := decode(t, reqs[0]), decode(t, reqs[1])
	key := notify.AlertKey(notifytest.Expiring())
	if trigger.EventAction != "trigger" || trigger.DedupKey != key {
		t.Errorf("trigger: %s %q, want trigger %q", trigger.EventAction, trigger.DedupKey, key)
	}
	if pl := trigger.Payload; pl == nil || pl.Severity != "warning" || pl.Source != "www.example.com" ||
		pl.Component != "www.example.com:443" || pl.Summary != "www.example.com:443 expires in 7 days" ||
		pl.Timestamp != "2025-03-01T09:30:00Z" || pl.CustomDetails["SHA-256"] != notifytest.Fingerprint {
		t.Errorf("trigger payload = %+v", pl)
	}
	if len(trigger.Links) != 1 || trigger.Links[0].Href != "https://certinel.example/domains/dom_7" {
		t.Errorf("links = %+v", trigger.Links)
	}
	if resolve.EventAction != "resolve" || resolve.DedupKey != key || resolve.Payload != nil {
		t.Errorf("resolve = %+v, want resolve of %q without payload", resolve, key)
	}
	notifytest.GoldenRequests(t, "trigger_resolve.txt", reqs)
}

func TestDigestOneRequestPerEvent(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	if err := provider(rcv).Send(context.Background(), channel(), notifytest.Digest(3)); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		s := decode(t, r)
		e := notifytest.Digest(3).Events[i]
		if s.EventAction != "trigger" || s.DedupKey != notify.AlertKey(e) || !strings.HasPrefix(s.Payload.Summary, e.Domain.Host) {
			t.Errorf("request %d = %+v, want the trigger of %s", i, s, e.ID)
		}
	}
	notifytest.GoldenRequests(t, "digest.txt", reqs)
}

func TestTestResolvesAtOnce(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	reg, err := notify.NewRegistry(provider(rcv))
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Test(context.Background(), channel(), notify.Message{Events: []notify.Event{notifytest.TestEvent()}}); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want trigger and resolve", len(reqs))
	}
	trigger, resolve := decode(t, reqs[0]), decode(t, reqs[1])
	if trigger.EventAction != "trigger" || resolve.EventAction != "resolve" || trigger.DedupKey != resolve.DedupKey ||
		trigger.Payload.Severity != "info" || trigger.Payload.Source != "certinel" {
		t.Errorf("trigger %+v, resolve %+v", trigger, resolve)
	}
	notifytest.GoldenRequests(t, "test.txt", reqs)
}

func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusBadRequest, true},
		{http.StatusTooManyRequests, false},
		{http.StatusServiceUnavailable, false},
	} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(tc.status, `{"status":"invalid event"}`)
		err := provider(rcv).Send(context.Background(), channel(), notify.Message{Events: []notify.Event{notifytest.Expiring()}})
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%d: err %v, permanent %v; want permanent %v", tc.status, err, notify.IsPermanent(err), tc.permanent)
			continue
		}
		if strings.Contains(err.Error(), routingKey) || !strings.Contains(err.Error(), "PagerDuty") {
			t.Errorf("%d: error %q must name PagerDuty and not hold the key", tc.status, err)
		}
	}
}

func TestStopsAtFirstFailure(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	rcv.Answer(http.StatusServiceUnavailable, "")
	if err := provider(rcv).Send(context.Background(), channel(), notifytest.Digest(3)); err == nil {
		t.Fatal("no error")
	}
	if n := len(rcv.Requests()); n != 1 {
		t.Errorf("%d requests after a failure, want 1", n)
	}
}

func TestValidate(t *testing.T) {
	p := pagerduty.New(httppost.New(http.DefaultClient))
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "default region", Raw: `{"routing_key":"` + routingKey + `"}`, Want: `{"routing_key":"` + routingKey + `","region":"us"}`},
		{Name: "eu", Raw: `{"routing_key":"` + routingKey + `","region":"eu"}`, Want: `{"routing_key":"` + routingKey + `","region":"eu"}`},
		{Name: "missing key", Raw: `{}`, Field: "routing_key",
			Err: "routing_key: must be the 32-character integration key of an Events API v2 integration"},
		{Name: "short key", Raw: `{"routing_key":"abc"}`, Field: "routing_key",
			Err: "routing_key: must be the 32-character integration key of an Events API v2 integration"},
		{Name: "key with symbols", Raw: `{"routing_key":"` + strings.Repeat("a", 31) + `\n"}`, Field: "routing_key",
			Err: "routing_key: must be the 32-character integration key of an Events API v2 integration"},
		{Name: "region", Raw: `{"routing_key":"` + routingKey + `","region":"apac"}`, Field: "region", Err: `region: "apac" is not one of "us", "eu"`},
		{Name: "unknown field", Raw: `{"routing_key":"` + routingKey + `","url":"https://evil.example"}`,
			Err: `config is not a valid PagerDuty config: unknown field "url"`},
		{Name: "wrong type", Raw: `{"routing_key":5}`, Err: "routing_key: must be a string", Field: "routing_key"},
	})
}

func TestDescribe(t *testing.T) {
	d := pagerduty.New(nil).Describe()
	if d.Type != "pagerduty" || strings.Join(d.Secrets(), ",") != "routing_key" {
		t.Errorf("describe = %+v", d)
	}
}
