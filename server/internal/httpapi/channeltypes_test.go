package httpapi_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"certinel.dev/server/internal/notify"
)

func TestChannelTypesDescribeTheRegistry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "types@example.com")
		var got listOut[notify.Description]
		a.browser.must(http.StatusOK, "GET", "/api/v1/channel-types", nil, &got)
		if want := srv.channels.Descriptions(); got.Total != len(want) || !reflect.DeepEqual(got.Items, want) {
			t.Fatalf("channel types = %+v, want the registry's %+v", got.Items, want)
		}
		// The harness has no SMTP relay: email is listed, with the reason it cannot deliver.
		for _, d := range got.Items {
			if d.Type == "email" && !strings.Contains(d.Unavailable, "No SMTP relay") {
				t.Errorf("email without a relay: unavailable = %q", d.Unavailable)
			}
		}
	})
}

// configFor fills a type's required fields (and its secrets) from its description, the
// way the dashboard's form and its e2e run do: defaults, then placeholders, then a value
// of the field's kind.
func configFor(d notify.Description, url string) (map[string]any, map[string]string) {
	cfg, secrets := map[string]any{}, map[string]string{}
	for _, f := range d.Fields {
		if !f.Required && f.Kind != notify.FieldSecret {
			continue
		}
		v := f.Default
		if v == "" {
			v = f.Placeholder
		}
		switch f.Kind {
		case notify.FieldURL:
			cfg[f.Name] = url
		case notify.FieldList:
			cfg[f.Name] = []string{"ops@example.com"}
		case notify.FieldSelect:
			if v == "" && len(f.Options) > 0 {
				v = f.Options[0]
			}
			cfg[f.Name] = v
		case notify.FieldSecret:
			if v == "" {
				v = "sekrit-" + d.Type + "-" + f.Name
			}
			cfg[f.Name], secrets[f.Name] = v, v
		default:
			if v == "" {
				v = "certinel-test"
			}
			cfg[f.Name] = v
		}
	}
	return cfg, secrets
}

func TestChannelSecretsNeverReturned(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "secrets@example.com")
		hook := newHookReceiver(t, "")
		var me struct {
			Organization struct{ ID string } `json:"organization"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/me", nil, &me)
		for _, d := range srv.channels.Descriptions() {
			cfg, secrets := configFor(d, hook.URL+"/"+d.Type)
			var ch struct {
				ID        string `json:"id"`
				HasSecret bool   `json:"has_secret"`
			}
			r := a.browser.must(http.StatusCreated, "POST", "/api/v1/channels", map[string]any{"type": d.Type, "name": d.Label, "config": cfg}, &ch)
			if ch.HasSecret != (len(secrets) > 0) {
				t.Errorf("%s: has_secret = %v with secrets %v", d.Type, ch.HasSecret, secrets)
			}
			// A change that leaves the secrets out keeps them, and still shows none.
			edit := a.browser.must(http.StatusOK, "PATCH", "/api/v1/channels/"+ch.ID, map[string]any{"name": d.Label + " 2"}, nil)
			one := a.browser.must(http.StatusOK, "GET", "/api/v1/channels/"+ch.ID, nil, nil)
			list := a.browser.must(http.StatusOK, "GET", "/api/v1/channels", nil, nil)
			for field, v := range secrets {
				for what, body := range map[string][]byte{"create": r.Body, "edit": edit.Body, "get": one.Body, "list": list.Body} {
					if strings.Contains(string(body), v) {
						t.Errorf("%s: secret %s returned by %s: %s", d.Type, field, what, body)
					}
				}
				stored, err := srv.store.GetChannel(t.Context(), me.Organization.ID, ch.ID)
				var c map[string]any
				if err != nil || json.Unmarshal([]byte(stored.Config), &c) != nil || c[field] != v {
					t.Errorf("%s: secret %s not kept: %v %s", d.Type, field, err, stored.Config)
				}
			}
		}
	})
}

func TestChannelConfigErrorsNameTheField(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "fields@example.com")
		for _, tt := range []struct {
			body  map[string]any
			field string
			msg   string
		}{
			{map[string]any{"type": "pager", "name": "x", "config": map[string]any{}}, "type", "must be one of email, webhook"},
			{map[string]any{"type": "webhook", "name": "x", "config": map[string]string{"url": "ftp://x"}}, "config", "url: must be an absolute"},
			{map[string]any{"type": "webhook", "name": "x", "config": map[string]string{"url": "https://x.example", "format": "xml"}}, "config", "format: "},
			{map[string]any{"type": "email", "name": "x", "config": map[string]any{"recipients": []string{"a@b.co", "nope"}}}, "config", "recipients[1]: "},
		} {
			r := a.browser.do("POST", "/api/v1/channels", tt.body)
			var e struct {
				Error struct{ Field, Message string } `json:"error"`
			}
			r.json(t, &e)
			if r.Status != http.StatusBadRequest || e.Error.Field != tt.field || !strings.Contains(e.Error.Message, tt.msg) {
				t.Errorf("%v: %d %s, want %s with %q", tt.body, r.Status, r.Body, tt.field, tt.msg)
			}
		}
	})
}
