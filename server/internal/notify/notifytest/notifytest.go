// Package notifytest holds fixed events for the tests of notify and its channels, so the
// golden files of every channel describe the same alert.
package notifytest

import (
	"fmt"
	"time"

	"certinel.dev/server/internal/notify"
)

// Fingerprint is the SHA-256 of the certificate in Expiring.
const Fingerprint = "3f5a0c1e9b7d2a4c6e8f0b1d3a5c7e9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"

var (
	occurred = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	notAfter = time.Date(2025, 3, 8, 23, 59, 59, 0, time.UTC)
)

// Expiring is one expiring-certificate event with every field a domain alert can carry.
func Expiring() notify.Event {
	days, threshold := 7, 7
	na := notAfter
	return notify.Event{
		ID:           "evt_01HQ7Z3K8M4N5P6Q7R8S9T0V1W",
		Type:         notify.TypeExpiring,
		Organization: notify.OrganizationRef{ID: "org_42", Name: "Example Inc"},
		Domain: &notify.DomainRef{
			ID: "dom_7", Host: "www.example.com", Port: 443, Protocol: "tls",
			URL: "https://certinel.example/domains/dom_7",
		},
		Agent:      &notify.AgentRef{ID: "agt_3", Name: "office-lan"},
		Threshold:  &threshold,
		DaysLeft:   &days,
		NotAfter:   &na,
		SHA256:     Fingerprint,
		Detail:     "Issued by R11 (Let's Encrypt); automatic renewal has not happened yet.",
		OccurredAt: occurred,
	}
}

// Digest is n expiring events on distinct hosts of the same organization.
func Digest(n int) notify.Message {
	msg := notify.Message{Digest: true}
	for i := range n {
		e := Expiring()
		e.ID = fmt.Sprintf("evt_digest_%03d", i+1)
		d := *e.Domain
		d.Host = fmt.Sprintf("host%03d.example.com", i+1)
		e.Domain = &d
		msg.Events = append(msg.Events, e)
	}
	return msg
}

// Resolved is the resolution of Expiring: the certificate was renewed.
func Resolved() notify.Event {
	e := Expiring()
	e.ID = "evt_01HQ8A1B2C3D4E5F6G7H8J9K0M"
	e.Type = notify.TypeResolved
	e.Resolves = notify.TypeExpiring
	e.Threshold, e.DaysLeft, e.Detail = nil, nil, ""
	na := notAfter.AddDate(0, 3, 0)
	e.NotAfter = &na
	e.OccurredAt = occurred.Add(26 * time.Hour)
	return e
}

// TestEvent is what a channel's "Send test" delivers.
func TestEvent() notify.Event {
	return notify.Event{
		ID:           "evt_test_1",
		Type:         notify.TypeTest,
		Organization: notify.OrganizationRef{ID: "org_42", Name: "Example Inc"},
		OccurredAt:   occurred,
	}
}
