// Package notify turns alert events into messages and defines how a channel delivers
// them. Each channel type lives in its own subpackage (email, webhook) behind Sender, so
// adding one touches one folder and the place that builds the senders.
package notify

import (
	"context"
	"encoding/json"
	"errors"
)

// Message is what one delivery sends: one event, or several grouped in a digest.
type Message struct {
	Events []Event
	Digest bool
}

// Channel is a configured destination; Config is the channel's JSON config, validated by
// the channel type's ValidateConfig when it was saved.
type Channel struct {
	ID, Name, Type string
	// OrganizationID owns the channel; providers whose means of delivery an
	// organization sets itself (its SMTP relay) look them up by it.
	OrganizationID string
	Config         json.RawMessage
}

// Sender delivers a message to one channel. A nil error means the destination accepted
// it. Errors wrapped with Permanent will fail the same way on every retry; any other
// error is worth retrying later.
type Sender interface {
	Send(ctx context.Context, ch Channel, msg Message) error
}

// ErrNoEvents is returned (as a permanent error) for a message with nothing to say.
var ErrNoEvents = errors.New("notify: message has no events")
