package email_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/notify/notifytest"
)

func TestValidateConfig(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf(`"u%d@example.com"`, i)
	}
	notifytest.RunConfigCases(t, email.ValidateConfig, []notifytest.ConfigCase{
		{Name: "one", Raw: `{"recipients": ["ops@example.com"]}`, Want: `{"recipients":["ops@example.com"]}`},
		{Name: "trim and dedupe", Raw: `{"recipients": [" ops@example.com", "OPS@example.com", "b@example.org"]}`,
			Want: `{"recipients":["ops@example.com","b@example.org"]}`},
		{Name: "none", Raw: `{"recipients": []}`, Err: "recipients: at least one recipient is required", Field: "recipients"},
		{Name: "missing", Raw: `{}`, Err: "recipients: at least one recipient is required", Field: "recipients"},
		{Name: "too many", Raw: `{"recipients": [` + strings.Join(many, ",") + `]}`, Err: "recipients: at most 50 recipients are allowed", Field: "recipients"},
		{Name: "not an address", Raw: `{"recipients": ["a@example.com", "b@example.com", "x"]}`, Err: `recipients[2]: "x" is not an email address`, Field: "recipients[2]"},
		{Name: "display name", Raw: `{"recipients": ["Ops <ops@example.com>"]}`, Err: `recipients[0]: "Ops <ops@example.com>" is not an email address`, Field: "recipients[0]"},
		{Name: "list in one", Raw: `{"recipients": ["a@example.com, b@example.com"]}`, Err: `recipients[0]: "a@example.com, b@example.com" is not an email address`, Field: "recipients[0]"},
		{Name: "too long", Raw: `{"recipients": ["` + strings.Repeat("a", 250) + `@example.com"]}`, Err: "recipients[0]: is longer than 254 characters", Field: "recipients[0]"},
		{Name: "unknown field", Raw: `{"recipients": ["a@example.com"], "cc": []}`, Err: `config must be {"recipients": ["name@example.com", ...]}`},
		{Name: "wrong type", Raw: `{"recipients": "a@example.com"}`, Err: `config must be {"recipients": ["name@example.com", ...]}`},
	})
}

func TestConfigValidate(t *testing.T) {
	good := email.Config{Host: "smtp.example.com", TLS: email.TLSStartTLS, From: "Certinel <alerts@example.com>"}
	if err := good.Validate(); err != nil {
		t.Errorf("good config: %v", err)
	}
	for name, mutate := range map[string]func(*email.Config){
		"no host":  func(c *email.Config) { c.Host = "" },
		"bad tls":  func(c *email.Config) { c.TLS = "ssl" },
		"bad from": func(c *email.Config) { c.From = "alerts" },
		"bad port": func(c *email.Config) { c.Port = 70000 },
	} {
		c := good
		mutate(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNoRelayIsUnavailable(t *testing.T) {
	p := email.New(email.Config{})
	if d := p.Describe(); d.Unavailable != email.NoRelay || len(d.Fields) != 1 || d.Fields[0].Name != "recipients" {
		t.Errorf("description = %+v", d)
	}
	ch := notify.Channel{ID: "c", Type: email.Type, Config: []byte(`{"recipients":["a@example.com"]}`)}
	err := p.Send(context.Background(), ch, notify.Message{Events: []notify.Event{{ID: "e"}}})
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), email.NoRelay) {
		t.Errorf("send without relay: %v", err)
	}
	if d := email.New(email.Config{Host: "127.0.0.1"}).Describe(); d.Unavailable != "" {
		t.Errorf("with a relay: unavailable %q", d.Unavailable)
	}
}
