package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/notifytest"
	"certinel.dev/server/internal/notify/webhook"
)

func TestValidateConfig(t *testing.T) {
	notifytest.RunConfigCases(t, func(raw json.RawMessage) (json.RawMessage, error) {
		return webhook.ValidateConfig(context.Background(), raw, nil)
	}, []notifytest.ConfigCase{
		{Name: "minimal", Raw: `{"url": " https://hooks.example.com/in/1 "}`,
			Want: `{"url":"https://hooks.example.com/in/1","format":"json"}`},
		{Name: "slack with secret", Raw: `{"url": "http://10.0.0.5:8080/x?y=1", "secret": "k", "format": "slack"}`,
			Want: `{"url":"http://10.0.0.5:8080/x?y=1","secret":"k","format":"slack"}`},
		{Name: "missing url", Raw: `{}`, Err: "url: is required", Field: "url"},
		{Name: "relative", Raw: `{"url": "/hook"}`, Err: "url: must be an absolute http:// or https:// URL", Field: "url"},
		{Name: "ftp", Raw: `{"url": "ftp://example.com/"}`, Err: "url: must be an absolute http:// or https:// URL", Field: "url"},
		{Name: "no host", Raw: `{"url": "https:///path"}`, Err: "url: must name a host", Field: "url"},
		{Name: "userinfo", Raw: `{"url": "https://bob:pw@example.com/"}`, Err: "url: must not contain a user name or password", Field: "url"},
		{Name: "bad url", Raw: `{"url": "https://exa mple.com/"}`, Err: "url: is not a valid URL", Field: "url"},
		{Name: "format", Raw: `{"url": "https://example.com", "format": "xml"}`, Err: `format: "xml" is not one of "json", "slack"`, Field: "format"},
		{Name: "long secret", Raw: `{"url": "https://example.com", "secret": "` + strings.Repeat("k", 257) + `"}`,
			Err: "secret: must be at most 256 characters", Field: "secret"},
		{Name: "unknown field", Raw: `{"url": "https://example.com", "secert": "x"}`, Err: `config is not a valid webhook config: unknown field "secert"`},
		{Name: "wrong type", Raw: `{"url": 5}`, Err: "config is not a valid webhook config: url must be a string"},
		{Name: "not json", Raw: `{"url": "https://example.com", "secret": "hunter2"`, Err: "config is not a valid webhook config: malformed JSON"},
	})
}

func TestValidateConfigCheckHost(t *testing.T) {
	var asked string
	check := func(_ context.Context, host string) error {
		asked = host
		return errors.New("no, not that one")
	}
	_, err := webhook.ValidateConfig(context.Background(), json.RawMessage(`{"url": "https://[::1]:8443/x"}`), check)
	if asked != "::1" || err == nil || err.Error() != "url: no, not that one" {
		t.Fatalf("asked %q, err %v", asked, err)
	}
}

func TestDescribe(t *testing.T) {
	d := webhook.New(http.DefaultClient, nil, nil).Describe()
	if d.Type != webhook.Type || d.Unavailable != "" || !slices.Equal(d.Secrets(), []string{"secret"}) {
		t.Fatalf("description = %+v", d)
	}
	for _, f := range d.Fields {
		if f.Name == "format" && (f.Kind != notify.FieldSelect || !slices.Equal(f.Options, []string{webhook.FormatJSON, webhook.FormatSlack})) {
			t.Errorf("format field = %+v", f)
		}
		if f.Name == "url" && (!f.Required || f.Kind != notify.FieldURL) {
			t.Errorf("url field = %+v", f)
		}
	}
}
