package teams_test

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
	"certinel.dev/server/internal/notify/teams"
)

// flowPath stands for the signed part of a Workflows URL.
const flowPath = "/workflows/0a1b2c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig=S1GnAtUrE"

const flowHost = "prod-12.westeurope.logic.azure.com"

func provider(rcv *notifytest.Receiver) *teams.Provider {
	return teams.New(httppost.New(netguard.New(true).HTTPClient(5*time.Second), httppost.SendTo(rcv.URL)))
}

func channel() notify.Channel {
	return notify.Channel{ID: "ch_teams", Type: teams.Type, Config: json.RawMessage(`{"url":"https://` + flowHost + flowPath + `"}`)}
}

// card is the part of the request the tests check field by field.
type card struct {
	Type        string
	Attachments []struct {
		ContentType string
		ContentURL  *string
		Content     struct {
			Type, Version string
			Body          []struct {
				Type, Text, Color string
				Facts             []struct{ Title, Value string }
				Actions           []struct{ Type, URL string }
			}
			Actions []struct{ Type, Title, URL string }
		}
	}
}

func send(t *testing.T, msg notify.Message) (notifytest.Request, card) {
	t.Helper()
	rcv := notifytest.NewReceiver(t)
	if err := provider(rcv).Send(context.Background(), channel(), msg); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Host != flowHost || r.RawPath+"?"+r.Query != flowPath || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s %s?%s (%s)", r.Method, r.Path, r.Query, r.Header.Get("Content-Type"))
	}
	var c card
	if err := json.Unmarshal(r.Body, &c); err != nil {
		t.Fatal(err)
	}
	if c.Type != "message" || len(c.Attachments) != 1 || c.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" ||
		c.Attachments[0].ContentURL != nil || c.Attachments[0].Content.Type != "AdaptiveCard" || c.Attachments[0].Content.Version != "1.4" {
		t.Errorf("envelope = %+v", c)
	}
	return r, c
}

func TestSingle(t *testing.T) {
	r, c := send(t, notify.Message{Events: []notify.Event{notifytest.Expiring()}})
	content := c.Attachments[0].Content
	if len(content.Body) != 2 || content.Body[0].Type != "TextBlock" || content.Body[0].Text != "www.example.com:443 expires in 7 days" ||
		content.Body[0].Color != "Warning" || content.Body[1].Type != "FactSet" || content.Body[1].Facts[0].Title != "Endpoint" {
		t.Errorf("body = %+v", content.Body)
	}
	if len(content.Actions) != 1 || content.Actions[0].Type != "Action.OpenUrl" || content.Actions[0].URL != "https://certinel.example/domains/dom_7" {
		t.Errorf("actions = %+v", content.Actions)
	}
	notifytest.GoldenRequests(t, "single.txt", []notifytest.Request{r})
}

func TestResolved(t *testing.T) {
	r, c := send(t, notify.Message{Events: []notify.Event{notifytest.Resolved()}})
	if b := c.Attachments[0].Content.Body[0]; b.Text != "Resolved: www.example.com:443 (expiring)" || b.Color != "Good" {
		t.Errorf("headline = %+v", b)
	}
	notifytest.GoldenRequests(t, "resolved.txt", []notifytest.Request{r})
}

func TestDigest(t *testing.T) {
	r, c := send(t, notifytest.Digest(2))
	body := c.Attachments[0].Content.Body
	// Title, then per event: headline, facts, link.
	if len(body) != 7 || body[0].Text != "[Certinel] 2 alerts for Example Inc" || body[1].Text != "host001.example.com:443 expires in 7 days" ||
		body[3].Type != "ActionSet" || body[6].Actions[0].URL != "https://certinel.example/domains/dom_7" {
		t.Errorf("body = %+v", body)
	}
	notifytest.GoldenRequests(t, "digest.txt", []notifytest.Request{r})
}

func TestLargeDigestIsCounted(t *testing.T) {
	_, c := send(t, notifytest.Digest(40))
	body := c.Attachments[0].Content.Body
	if last := body[len(body)-1]; last.Text != "… and 25 more in the dashboard." {
		t.Errorf("last block = %+v", last)
	}
	if len(body) != 1+15*3+1 {
		t.Errorf("%d blocks", len(body))
	}
}

func TestErrorClasses(t *testing.T) {
	for status, permanent := range map[int]bool{http.StatusBadRequest: true, http.StatusServiceUnavailable: false} {
		rcv := notifytest.NewReceiver(t)
		rcv.Answer(status, "")
		err := provider(rcv).Send(context.Background(), channel(), notify.Message{Events: []notify.Event{notifytest.Expiring()}})
		if err == nil || notify.IsPermanent(err) != permanent {
			t.Errorf("%d: err %v, want permanent %v", status, err, permanent)
			continue
		}
		if strings.Contains(err.Error(), "S1GnAtUrE") || strings.Contains(err.Error(), "workflows") || !strings.Contains(err.Error(), "Microsoft Teams") {
			t.Errorf("%d: error %q must name Teams and not the URL", status, err)
		}
	}
}

func TestValidate(t *testing.T) {
	p := teams.New(nil)
	const u = "https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x"
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return p.Validate(context.Background(), raw)
	}, []notifytest.ConfigCase{
		{Name: "workflow", Raw: `{"url":"` + u + `"}`, Want: `{"url":"` + u + `"}`},
		{Name: "missing", Raw: `{}`, Field: "url", Err: "url: is required"},
		{Name: "http", Raw: `{"url":"http://prod-12.logic.azure.com/workflows/abc"}`, Field: "url", Err: "url: must be an absolute https:// URL"},
		{Name: "relative", Raw: `{"url":"/workflows/abc"}`, Field: "url", Err: "url: must be an absolute https:// URL"},
		{Name: "userinfo", Raw: `{"url":"https://a:b@example.com/x"}`, Field: "url", Err: "url: must not contain a user name or password"},
		{Name: "no host", Raw: `{"url":"https:///x"}`, Field: "url", Err: "url: must name a host"},
		{Name: "too long", Raw: `{"url":"https://example.com/` + strings.Repeat("a", 2048) + `"}`, Field: "url", Err: "url: must be at most 2048 characters"},
		{Name: "unknown field", Raw: `{"url":"` + u + `","webhook":"x"}`, Err: `config is not a valid Microsoft Teams config: unknown field "webhook"`},
	})
}

func TestDescribe(t *testing.T) {
	d := teams.New(nil).Describe()
	if d.Type != "teams" || strings.Join(d.Secrets(), ",") != "url" {
		t.Errorf("describe = %+v", d)
	}
}
