package templatehook

import (
	"time"

	"certinel.dev/server/internal/notify"
)

// samples are the messages a template must render when it is saved: one alert, and a
// digest with a resolution, so fields that only some events have are exercised. They
// are built here rather than taken from notifytest, which imports testing and would
// register its flags in the server.
func samples() []notify.Message {
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	notAfter := at.Add(7 * 24 * time.Hour)
	days := 7
	org := notify.OrganizationRef{ID: "org_sample", Name: "Example Inc"}
	expiring := notify.Event{
		ID: "evt_sample_1", Type: notify.TypeExpiring, Organization: org,
		Domain: &notify.DomainRef{ID: "dom_sample_1", Host: "www.example.com", Port: 443, Protocol: "tls",
			URL: "https://certinel.example/domains/dom_sample_1"},
		Agent:     &notify.AgentRef{ID: "agt_sample", Name: "office-lan"},
		Threshold: &days, DaysLeft: &days, NotAfter: &notAfter,
		SHA256:     "3f5a0c1e9b7d2a4c6e8f0b1d3a5c7e9f1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a",
		Detail:     "Issued by R11 (Let's Encrypt); automatic renewal has not happened yet.",
		OccurredAt: at,
	}
	resolved := notify.Event{
		ID: "evt_sample_2", Type: notify.TypeResolved, Resolves: notify.TypeUnreachable, Organization: org,
		Domain: &notify.DomainRef{ID: "dom_sample_2", Host: "mail.example.com", Port: 465, Protocol: "tls",
			URL: "https://certinel.example/domains/dom_sample_2"},
		OccurredAt: at,
	}
	return []notify.Message{
		{Events: []notify.Event{expiring}},
		{Events: []notify.Event{expiring, resolved}, Digest: true},
	}
}
