package httpapi_test

import (
	"net/http"
	"reflect"
	"testing"
)

// TestRuleRoutesAPI: routes are saved and answered with the channel list
// they imply; a rule sent with channel_ids only routes every event; each
// mistake is named by its field.
func TestRuleRoutesAPI(t *testing.T) {
	srv := newTestServer(t, "sqlite")
	a := srv.newTenant(t, "routes@example.com")
	var chans listOut[struct {
		ID string `json:"id"`
	}]
	a.browser.must(http.StatusOK, "GET", "/api/v1/channels", nil, &chans)
	mail := chans.Items[0].ID
	var hook struct {
		ID string `json:"id"`
	}
	a.browser.must(http.StatusCreated, "POST", "/api/v1/channels", map[string]any{"type": "webhook", "name": "chat",
		"config": map[string]any{"url": "https://127.0.0.1:9/x"}}, &hook)

	type routeOut struct {
		ChannelID   string   `json:"channel_id"`
		MinSeverity string   `json:"min_severity"`
		Tags        []string `json:"tags"`
	}
	var r struct {
		ChannelIDs []string   `json:"channel_ids"`
		Routes     []routeOut `json:"routes"`
	}
	a.browser.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "routed", "routes": []map[string]any{
		{"channel_id": mail, "min_severity": "critical", "tags": []string{" prod", "payments", "prod"}},
		{"channel_id": hook.ID},
	}}, &r)
	want := []routeOut{{mail, "critical", []string{"payments", "prod"}}, {hook.ID, "info", []string{}}}
	if !reflect.DeepEqual(r.Routes, want) || !reflect.DeepEqual(r.ChannelIDs, []string{mail, hook.ID}) {
		t.Errorf("saved %+v / %v, want %+v", r.Routes, r.ChannelIDs, want)
	}

	a.browser.must(http.StatusCreated, "POST", "/api/v1/alert-rules", map[string]any{"name": "plain", "channel_ids": []string{hook.ID}}, &r)
	if want := []routeOut{{hook.ID, "info", []string{}}}; !reflect.DeepEqual(r.Routes, want) {
		t.Errorf("channel_ids only: routes %+v, want %+v", r.Routes, want)
	}

	for field, routes := range map[string][]map[string]any{
		"routes[0].min_severity": {{"channel_id": mail, "min_severity": "urgent"}},
		"routes[1].channel_id":   {{"channel_id": mail}, {"channel_id": mail}},
		"routes[0].channel_id":   {{"min_severity": "info"}},
		"routes[0].tags":         {{"channel_id": mail, "tags": []string{"no spaces"}}},
		"routes":                 {{"channel_id": "01a20000-0000-7000-8000-000000000000"}},
	} {
		if res := a.browser.do("POST", "/api/v1/alert-rules", map[string]any{"name": "bad", "routes": routes}); res.Status != http.StatusBadRequest || res.errorField() != field {
			t.Errorf("%s: %d %s", field, res.Status, res.Body)
		}
	}
}
