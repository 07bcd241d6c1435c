package opsgenie

import (
	"net"
	"strconv"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Opsgenie's limits on alert fields, in characters.
const (
	maxMessage     = 130
	maxDescription = 15000
	maxEntity      = 512
	maxDetailValue = 8000
	source         = "Certinel"
)

// priorities map severities to Opsgenie's P1 (critical) … P5 (informational).
var priorities = map[notify.Severity]string{
	notify.SeverityCritical: "P1",
	notify.SeverityWarning:  "P3",
	notify.SeverityInfo:     "P5",
}

// alert is the body of POST /v2/alerts.
type alert struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias"`
	Description string            `json:"description,omitempty"`
	Priority    string            `json:"priority"`
	Source      string            `json:"source"`
	Entity      string            `json:"entity,omitempty"`
	Tags        []string          `json:"tags"`
	Details     map[string]string `json:"details,omitempty"`
}

// closing is the body of POST /v2/alerts/{alias}/close.
type closing struct {
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

func newAlert(e notify.Event) alert {
	sev := notify.SeverityOf(e)
	details := map[string]string{"Event ID": e.ID}
	for _, f := range notify.Fields(e) {
		details[f.Label] = safetext.Fit(f.Value, maxDetailValue)
	}
	if u := notify.DashboardURL(e); u != "" {
		details["Dashboard"] = u
	}
	return alert{
		Message:     safetext.Fit(notify.Headline(e), maxMessage),
		Alias:       notify.AlertKey(e),
		Description: safetext.Fit(notify.Text(notify.Message{Events: []notify.Event{e}}), maxDescription),
		Priority:    priorities[sev],
		Source:      source,
		Entity:      safetext.Fit(entity(e), maxEntity),
		Tags:        []string{"certinel", string(sev), e.Type},
		Details:     details,
	}
}

// newClose says why the alert closes: the resolution's headline.
func newClose(e notify.Event) closing {
	return closing{Source: source, Note: notify.Headline(e)}
}

// entity is what the alert is about: the endpoint, the agent or the CRL.
func entity(e notify.Event) string {
	switch {
	case e.Domain != nil:
		return net.JoinHostPort(e.Domain.Host, strconv.Itoa(e.Domain.Port))
	case e.Agent != nil:
		return e.Agent.Name
	case e.RevocationSource != nil:
		return e.RevocationSource.URL
	}
	return ""
}
