package pagerduty

import (
	"net"
	"net/url"
	"strconv"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Event actions of the Events API v2.
const (
	actionTrigger = "trigger"
	actionResolve = "resolve"
)

// maxSummary is PagerDuty's limit on payload.summary.
const maxSummary = 1024

// enqueue is the body of POST /v2/enqueue.
type enqueue struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key"`
	Payload     *payload `json:"payload,omitempty"`
	Client      string   `json:"client,omitempty"`
	ClientURL   string   `json:"client_url,omitempty"`
	Links       []link   `json:"links,omitempty"`
}

type payload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	Class         string            `json:"class,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

type link struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// newEnqueue is the request for e: a resolve for a resolution, else a trigger.
func newEnqueue(routingKey string, e notify.Event) enqueue {
	if e.Type == notify.TypeResolved {
		return resolveOf(routingKey, e)
	}
	details := map[string]string{"Event ID": e.ID}
	for _, f := range notify.Fields(e) {
		details[f.Label] = f.Value
	}
	body := enqueue{
		RoutingKey:  routingKey,
		EventAction: actionTrigger,
		DedupKey:    notify.AlertKey(e),
		Client:      "Certinel",
		Payload: &payload{
			Summary:       safetext.Fit(notify.Headline(e), maxSummary),
			Source:        source(e),
			Severity:      string(notify.SeverityOf(e)),
			Component:     component(e),
			Group:         e.Organization.Name,
			Class:         e.Type,
			CustomDetails: details,
		},
	}
	if !e.OccurredAt.IsZero() {
		body.Payload.Timestamp = e.OccurredAt.UTC().Format(time.RFC3339)
	}
	if u := notify.DashboardURL(e); u != "" {
		body.ClientURL = u
		body.Links = []link{{Href: u, Text: "Open in Certinel"}}
	}
	return body
}

// resolveOf resolves the alert e raised or resolves; PagerDuty needs only the key.
func resolveOf(routingKey string, e notify.Event) enqueue {
	return enqueue{RoutingKey: routingKey, EventAction: actionResolve, DedupKey: notify.AlertKey(e)}
}

// source is the affected system, as PagerDuty asks: the host, the agent, the CRL's
// server, else Certinel itself (a test).
func source(e notify.Event) string {
	switch {
	case e.Domain != nil:
		return e.Domain.Host
	case e.Agent != nil:
		return e.Agent.Name
	case e.RevocationSource != nil:
		if u, err := url.Parse(e.RevocationSource.URL); err == nil && u.Host != "" {
			return u.Host
		}
	}
	return "certinel"
}

// component is the endpoint, when the event has one.
func component(e notify.Event) string {
	if e.Domain == nil {
		return ""
	}
	return net.JoinHostPort(e.Domain.Host, strconv.Itoa(e.Domain.Port))
}
