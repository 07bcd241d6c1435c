package webhook

import (
	"time"

	"certinel.dev/server/internal/notify"
)

// Payload types.
const (
	PayloadAlert  = "alert"  // one event
	PayloadDigest = "digest" // several events grouped for this channel
	PayloadTest   = "test"   // sent from "Send test message"; safe to ignore
)

// Payload is the body of a json-format webhook, the schema receivers parse:
//
//	{
//	  "version": 1,                  // notify.SchemaVersion; bumped only on breaking change
//	  "type": "alert",               // alert | digest | test
//	  "events": [ { ...notify.Event... } ],
//	  "sent_at": "2025-03-01T09:30:05Z"
//	}
//
// Each event has "id" (stable across retries: deduplicate on it), "type", "organization"
// {id, name}, "occurred_at", and as they apply "resolves", "domain" {id, host, port,
// protocol, url}, "agent" {id, name, last_seen_at}, "threshold_days", "days_left",
// "not_after", "sha256", "old_sha256", "detail", "count" (the endpoints of an agent's
// outage), "reminder" (a repeated notice of an open event) and "url" (the event's page,
// for one without a domain). testdata/alert.json is an example. A message lists every
// problem one evaluation found on a domain, so "digest" may carry one domain's events.
// Receivers should ignore fields they do not know: new optional ones may appear.
type Payload struct {
	Version int            `json:"version"`
	Type    string         `json:"type"`
	Events  []notify.Event `json:"events"`
	SentAt  time.Time      `json:"sent_at"`
}

func newPayload(msg notify.Message, now time.Time) Payload {
	return Payload{
		Version: notify.SchemaVersion,
		Type:    payloadType(msg),
		Events:  msg.Events,
		SentAt:  now.UTC(),
	}
}

func payloadType(msg notify.Message) string {
	switch {
	case len(msg.Events) > 0 && allTests(msg.Events):
		return PayloadTest
	case msg.Digest || len(msg.Events) > 1:
		return PayloadDigest
	}
	return PayloadAlert
}

func allTests(events []notify.Event) bool {
	for _, e := range events {
		if e.Type != notify.TypeTest {
			return false
		}
	}
	return true
}
