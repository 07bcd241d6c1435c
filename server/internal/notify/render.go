package notify

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"certinel.dev/server/internal/lifecycle"
)

// subjectPrefix lets customers filter Certinel mail with one rule.
const subjectPrefix = "[Certinel] "

// timeLayout is unambiguous across locales; every time is shown in UTC.
const timeLayout = "2006-01-02 15:04:05 UTC"

// Field is one labelled fact about an event, in the order renderers show them.
type Field struct {
	Label, Value string
}

// Subject is the one-line summary of a message: the event's headline, or a count for a
// digest of several events.
func Subject(msg Message) string {
	switch len(msg.Events) {
	case 0:
		return subjectPrefix + "No alerts"
	case 1:
		return subjectPrefix + Headline(msg.Events[0])
	}
	if d := msg.Events[0].Domain; d != nil && sameDomain(msg.Events) {
		return subjectPrefix + oneLine(hostPort(*d)) + ": " + problems(msg.Events)
	}
	s := fmt.Sprintf("%s%d alerts", subjectPrefix, len(msg.Events))
	if org := oneLine(msg.Events[0].Organization.Name); org != "" {
		s += " for " + org
	}
	return s
}

// Headline says what happened in one line, naming the endpoint or agent.
func Headline(e Event) string {
	if e.Reminder {
		return oneLine("Reminder: " + headline(e))
	}
	return oneLine(headline(e))
}

func headline(e Event) string {
	t := target(e)
	switch e.Type {
	case TypeExpiring:
		switch {
		case e.DaysLeft != nil:
			return t + " expires " + inDays(*e.DaysLeft)
		case e.Threshold != nil:
			return t + " expires " + inDays(*e.Threshold)
		}
		return t + " expires soon"
	case TypeExpired:
		if e.DaysLeft != nil && *e.DaysLeft < 0 {
			return t + " certificate expired " + plural(-*e.DaysLeft, "day") + " ago"
		}
		return t + " certificate has expired"
	case TypeChanged:
		return t + " certificate changed"
	case TypeUnreachable:
		if e.Domain == nil && e.Count > 0 {
			return t + ": " + Thousands(e.Count) + " endpoints unreachable"
		}
		return t + " is unreachable"
	case TypeInvalidChain:
		if e.Problem == string(lifecycle.ProblemRevoked) {
			return t + " certificate was revoked by its CA"
		}
		return t + " certificate is not trusted"
	case TypeHostnameMismatch:
		return t + " certificate does not match its host name"
	case TypeWeakCrypto:
		return t + " uses weak cryptography"
	case TypeRenewalOverdue:
		return t + " certificate renewal is overdue"
	case TypeRenewalWindowMovedEarlier:
		return t + " certificate: the CA asks for renewal now"
	case TypeAgentOffline:
		return t + " is offline"
	case TypeAgentCertificate:
		if e.NotAfter != nil && !e.NotAfter.After(e.OccurredAt) {
			return t + " client certificate expired: enroll the agent again"
		}
		return t + " client certificate rotation failed or is overdue"
	case TypeCRLHealth:
		return t + crlProblems[e.Problem]
	case TypeStaleBackend:
		return t + ": a backend serves an older certificate (failed uptake)"
	case TypeResolved:
		if e.Resolves == TypeAgentOffline {
			return t + " is back online"
		}
		if e.Domain == nil && e.Resolves == TypeUnreachable {
			return "Resolved: " + t + " endpoints reachable again"
		}
		if label, ok := problemLabels[e.Resolves]; ok {
			return "Resolved: " + t + " (" + label + ")"
		}
		return "Resolved: " + t
	case TypeInvitation:
		return "You are invited to join " + e.Organization.Name + " on Certinel"
	case TypePasswordReset:
		return "Reset your Certinel password"
	case TypeTest:
		if e.Organization.Name != "" {
			return "Test notification for " + e.Organization.Name
		}
		return "Test notification"
	}
	return t + ": " + e.Type
}

// sameDomain says whether every event is about one endpoint: the message
// lists the problems one evaluation found there.
func sameDomain(events []Event) bool {
	for _, e := range events {
		if e.Domain == nil || hostPort(*e.Domain) != hostPort(*events[0].Domain) {
			return false
		}
	}
	return true
}

// problems lists the events' problems, in their order, once each.
func problems(events []Event) string {
	var out []string
	for _, e := range events {
		label, ok := problemLabels[e.Type]
		if e.Type == TypeResolved {
			label, ok = "resolved", true
		}
		if !ok {
			label = e.Type
		}
		if !slices.Contains(out, label) {
			out = append(out, label)
		}
	}
	return strings.Join(out, ", ")
}

// problemLabels name the problem a resolved event clears.
var problemLabels = map[string]string{
	TypeExpiring:         "expiring",
	TypeExpired:          "expired",
	TypeChanged:          "certificate changed",
	TypeUnreachable:      "unreachable",
	TypeInvalidChain:     "untrusted chain",
	TypeHostnameMismatch: "host name mismatch",
	TypeWeakCrypto:       "weak cryptography",
	TypeRenewalOverdue:   "renewal overdue",
	TypeAgentCertificate: "client certificate",
	TypeCRLHealth:        "CRL health",
	TypeStaleBackend:     "failed uptake",
}

// crlProblems end the headline of a crl_health event, by problem.
var crlProblems = map[string]string{
	"stale":     " expired: its next update has passed",
	"expiring":  " expires soon: its next update is near",
	"stalled":   " stopped updating: its CRL number has not increased",
	"regressed": " went backwards: its CRL number is lower than before",
}

// target names what the event is about: the endpoint, else the agent, else the
// organization (a test message has neither).
func target(e Event) string {
	switch {
	case e.Domain != nil:
		return hostPort(*e.Domain)
	case e.Agent != nil:
		return "Agent " + e.Agent.Name
	case e.RevocationSource != nil:
		return "CRL " + e.RevocationSource.URL
	case e.Organization.Name != "":
		return e.Organization.Name
	}
	return "Certinel"
}

// hostPort brackets IPv6 literals, as users would type them in a URL.
func hostPort(d DomainRef) string {
	return net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
}

func inDays(n int) string {
	if n <= 0 {
		return "today"
	}
	return "in " + plural(n, "day")
}

// Thousands writes n with thousands separators, as people read counts.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// Fields lists the facts of one event that are set, for every renderer to show alike.
// The dashboard link is not among them: each format links it its own way.
func Fields(e Event) []Field {
	var fs []Field
	add := func(label, value string) {
		if value = oneLine(value); value != "" {
			fs = append(fs, Field{label, value})
		}
	}
	if e.Domain != nil {
		ep := hostPort(*e.Domain)
		if p := e.Domain.Protocol; p != "" && p != "tls" {
			ep += " (" + p + ")"
		}
		add("Endpoint", ep)
	}
	if e.Agent != nil {
		add("Agent", e.Agent.Name)
		if e.Agent.LastSeenAt != nil {
			add("Last seen", formatTime(*e.Agent.LastSeenAt))
		}
	}
	if e.DaysLeft != nil {
		add("Days left", strconv.Itoa(*e.DaysLeft))
	}
	if e.Threshold != nil {
		add("Threshold", plural(*e.Threshold, "day"))
	}
	if e.NotAfter != nil {
		add("Expires", formatTime(*e.NotAfter))
	}
	add("SHA-256", e.SHA256)
	add("Previous SHA-256", e.OldSHA256)
	if w := e.SuggestedWindow; w != nil {
		add("Renew between", formatTime(w.Start)+" and "+formatTime(w.End))
	}
	add("CA explanation", e.ExplanationURL)
	if e.Count > 0 {
		add("Endpoints", strconv.Itoa(e.Count))
	}
	add("Detail", e.Detail)
	if !e.OccurredAt.IsZero() {
		add("Occurred", formatTime(e.OccurredAt))
	}
	return fs
}

// DashboardURL is the event's link into the dashboard, or "" when it has none.
func DashboardURL(e Event) string {
	if e.Domain == nil {
		return e.URL
	}
	return e.Domain.URL
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// oneLine keeps values that come from outside (error texts, names) from breaking a
// subject header or a layout: control characters become spaces.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s))
}
