package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"certinel.dev/server/internal/netguard"
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

func TestGuardHost(t *testing.T) {
	check := webhook.GuardHost(netguard.New(false), nil)
	ctx := context.Background()
	if err := check(ctx, "127.0.0.1"); err == nil || err.Error() != `host "127.0.0.1" resolves to 127.0.0.1 (loopback), which webhooks may not reach` {
		t.Errorf("loopback: %v", err)
	}
	if err := check(ctx, "169.254.169.254"); err == nil {
		t.Error("metadata endpoint allowed")
	}
	if err := check(ctx, "93.184.215.14"); err != nil {
		t.Errorf("public address refused: %v", err)
	}
	if err := webhook.GuardHost(netguard.New(true), nil)(ctx, "10.1.2.3"); err != nil {
		t.Errorf("private address refused with AllowPrivate: %v", err)
	}
}
