package httppost_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

// urlProvider is a provider whose config is one URL field of the given kind.
type urlProvider struct {
	kind  string
	hosts []string
}

func (p urlProvider) Describe() notify.Description {
	return notify.Description{Type: "demo", Label: "Demo", Hosts: p.hosts,
		Fields: []notify.ConfigField{{Name: "url", Label: "URL", Kind: p.kind}, {Name: "note", Label: "Note", Kind: notify.FieldText}}}
}

func (urlProvider) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	return raw, nil
}

func (urlProvider) Send(context.Context, notify.Channel, notify.Message) error { return nil }

func TestCheckedRefusesForbiddenHostsOnSave(t *testing.T) {
	var asked []string
	check := httppost.CheckHost(func(_ context.Context, host string) error {
		asked = append(asked, host)
		if host == "internal.example" {
			return errors.New(`host "internal.example" resolves to 10.0.0.5 (private), which alert channels may not reach`)
		}
		return nil
	})
	for _, kind := range []string{notify.FieldURL, notify.FieldSecret} {
		p := httppost.Checked(urlProvider{kind: kind, hosts: []string{"service.example"}}, check)
		_, err := p.Validate(context.Background(), json.RawMessage(`{"url":"https://internal.example/hook","note":"https://internal.example"}`))
		var ce *notify.ConfigError
		if !errors.As(err, &ce) || ce.Field != "url" || !strings.Contains(ce.Message, "may not reach") {
			t.Fatalf("%s field: err = %v, want a field error on url", kind, err)
		}
		asked = nil
		if _, err := p.Validate(context.Background(), json.RawMessage(`{"url":"https://service.example/x"}`)); err != nil || len(asked) != 0 {
			t.Fatalf("%s field: known host: err = %v, looked up %v; want accepted without a lookup", kind, err, asked)
		}
		if _, err := p.Validate(context.Background(), json.RawMessage(`{"url":"https://public.example/x"}`)); err != nil {
			t.Fatalf("%s field: public host refused: %v", kind, err)
		}
	}
}
