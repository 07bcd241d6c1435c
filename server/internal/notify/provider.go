package notify

import (
	"context"
	"encoding/json"
)

// Provider is one kind of alert channel: PagerDuty, Slack, email... Each lives in its
// own package under notify and is registered once, in the server's main, so adding a
// channel type is one package and one line there.
type Provider interface {
	Sender
	// Describe names the type and its config fields, for the API and the dashboard's form.
	Describe() Description
	// Validate checks a config and returns it normalised. A *ConfigError names the field
	// that is wrong; any other error is the server's fault.
	Validate(ctx context.Context, raw json.RawMessage) (json.RawMessage, error)
}

// Tester is implemented by providers whose test is more than sending a test event, such
// as PagerDuty, whose test triggers an incident and resolves it at once.
type Tester interface {
	Test(ctx context.Context, ch Channel, msg Message) error
}

// OrganizationProvider is implemented by providers that an organization can make
// deliverable itself, such as email with the organization's own SMTP relay: the type's
// Description.Unavailable is then only the server-wide answer.
type OrganizationProvider interface {
	// UnavailableFor says why the organization's channels of this type cannot deliver
	// now, or "" when they can.
	UnavailableFor(ctx context.Context, orgID string) (string, error)
}

// Field kinds, for ConfigField.Kind.
const (
	FieldText     = "text"
	FieldURL      = "url"
	FieldSecret   = "secret" // never sent back to clients; kept when an edit leaves it out
	FieldSelect   = "select"
	FieldTextarea = "textarea"
	FieldList     = "list" // a list of strings, such as email recipients
	FieldNumber   = "number"
)

// ConfigField is one config field as the dashboard's form shows it.
type ConfigField struct {
	Name        string   `json:"name"` // the JSON key in the config
	Label       string   `json:"label"`
	Kind        string   `json:"kind"`
	Required    bool     `json:"required"`
	Options     []string `json:"options,omitempty"` // the values a select may take
	Default     string   `json:"default,omitempty"`
	Placeholder string   `json:"placeholder,omitempty"`
	Help        string   `json:"help,omitempty"`
}

// Description is what the API says about a channel type.
type Description struct {
	Type   string        `json:"type"`  // stored in channels.type: "pagerduty"
	Label  string        `json:"label"` // shown to people: "PagerDuty"
	Fields []ConfigField `json:"fields"`
	// Hosts are the fixed public service hosts the provider posts to by default
	// ("events.pagerduty.com"): saving a channel does not look them up (see
	// httppost.CheckHost.Except), delivering to them is guarded like any URL.
	Hosts []string `json:"hosts,omitempty"`
	// Unavailable, when not empty, says why this server cannot deliver to the type
	// now, and what fixes it ("no SMTP relay is configured").
	Unavailable string `json:"unavailable,omitempty"`
}

// Secrets lists the config fields of kind secret.
func (d Description) Secrets() []string {
	var out []string
	for _, f := range d.Fields {
		if f.Kind == FieldSecret {
			out = append(out, f.Name)
		}
	}
	return out
}
