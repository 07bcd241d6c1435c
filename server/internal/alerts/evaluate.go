// Package alerts decides which alerts fire and which resolve, from the
// state the store holds, and records them with their notifications.
package alerts

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// problemEvents maps the problems a check finds to the events they raise.
// Overdue and urgent renewals come with the clock, not from the check:
// see lifetimeConditions.
var problemEvents = map[lifecycle.Problem]string{
	lifecycle.ProblemRevoked:          notify.TypeInvalidChain,
	lifecycle.ProblemUntrusted:        notify.TypeInvalidChain,
	lifecycle.ProblemHostnameMismatch: notify.TypeHostnameMismatch,
	lifecycle.ProblemWeakCrypto:       notify.TypeWeakCrypto,
}

// condition is one alertable fact that holds right now.
type condition struct {
	key   string
	event notify.Event
	// domainID or agentID names the subject, for grouping resolutions.
	domainID, agentID string
	state             string
	// quiet conditions still hold but must not fire: the larger thresholds
	// a deadline crossed before, which stay open until the renewal.
	quiet bool
	// silent conditions are recorded in the history without notifying:
	// events the rule does not choose but the history keeps.
	silent bool
}

// Evaluate compares the current state with the open events: conditions
// without an open event fire, open events without a condition resolve,
// and what is to be sent is grouped into notifications (see plan). One
// condition caught by several rules is one event, sent to each rule's
// channels. It is a pure function of its input, so every rule of
// alerting is testable without a database.
func Evaluate(in store.EvalInput, baseURL string) Decision {
	p := newPlan(in, baseURL)
	var order []string
	caught := map[string]*catch{}
	for _, rule := range in.Rules {
		for _, c := range conditions(rule, in, in.Orgs[rule.OrganizationID], baseURL) {
			k := caught[c.key]
			if k == nil {
				k = &catch{cond: c}
				caught[c.key] = k
				order = append(order, c.key)
			}
			k.rules = append(k.rules, rule)
			switch {
			case c.quiet:
			case c.silent:
				k.kept = append(k.kept, rule)
			default:
				k.loud = append(k.loud, rule)
			}
		}
	}
	for _, key := range order {
		if k := caught[key]; len(k.loud)+len(k.kept) > 0 && !p.open[key] {
			p.fire(*k)
		}
	}
	p.resolve(caught)
	p.followUp(caught)
	return p.decision()
}

func conditions(rule store.AlertRule, in store.EvalInput, org store.Organization, baseURL string) []condition {
	wants := func(t string) bool { return slices.Contains(rule.Events, t) }
	thresholds := slices.Clone(rule.Thresholds)
	sort.Ints(thresholds)
	var out []condition
	for _, d := range in.Domains {
		if d.OrganizationID != rule.OrganizationID || !inScope(rule, d) {
			continue
		}
		base := domainEvent(org, d, baseURL)
		add := func(typ, key, detail string, ev func(*notify.Event)) *condition {
			if !wants(typ) {
				return nil
			}
			e := base
			e.Type, e.Detail = typ, detail
			if ev != nil {
				ev(&e)
			}
			out = append(out, condition{key: typ + "|" + d.ID + "|" + key, event: e, domainID: d.ID, state: store.AlertOpen})
			return &out[len(out)-1]
		}
		if d.Error != "" && d.LeafSHA256 == "" {
			if d.ConsecutiveFailures >= unreachableAfter(rule) && d.FailingSince != nil {
				add(notify.TypeUnreachable, fmt.Sprint(d.FailingSince.Unix()), d.Error, nil)
			}
			continue
		}
		if d.LeafSHA256 == "" || d.NotAfter == nil {
			continue
		}
		withCert := func(e *notify.Event) {
			left := lifecycle.DaysLeft(*d.NotAfter, in.Now)
			e.SHA256, e.NotAfter, e.DaysLeft = d.LeafSHA256, d.NotAfter, &left
		}
		staleBackend(in.Backends[d.ID], in.Now, add)
		expired := !d.NotAfter.After(in.Now)
		if expired {
			add(notify.TypeExpired, d.LeafSHA256, "The certificate expired on "+d.NotAfter.UTC().Format(time.RFC1123)+".", withCert)
		}
		if len(thresholds) > 0 {
			for i, t := range crossedThresholds(thresholds, *d.NotAfter, in.Now) {
				c := add(notify.TypeExpiring, fmt.Sprintf("%s|%d", d.LeafSHA256, t), expiringDetail(lifecycle.DaysLeft(*d.NotAfter, in.Now), t),
					func(e *notify.Event) { withCert(e); e.Threshold = &t })
				if c != nil {
					c.quiet = expired || i > 0
				}
			}
		}
		lifetimeConditions(d, in.Now, org.ExpiringThresholdDays, len(thresholds) == 0 && wants(notify.TypeExpiring), add, withCert)
		for _, p := range strings.Split(d.Problems, ",") {
			if typ, ok := problemEvents[lifecycle.Problem(p)]; ok {
				ev := withCert
				if lifecycle.Problem(p) == lifecycle.ProblemRevoked {
					ev = func(e *notify.Event) { withCert(e); e.Problem = p }
				}
				add(typ, d.LeafSHA256, problemDetail(typ, lifecycle.Problem(p), d), ev)
			}
		}
	}
	// A changed certificate is always in the history; it is sent only to
	// rules that choose it, since a healthy rotation is no news.
	for _, c := range changes(rule, in, org, baseURL) {
		c.silent = !wants(notify.TypeChanged)
		out = append(out, c)
	}
	if wants(notify.TypeAgentOffline) {
		out = append(out, offlineAgents(rule, in, org)...)
	}
	if wants(notify.TypeAgentCertificate) {
		out = append(out, agentCertificates(rule, in, org)...)
	}
	if wants(notify.TypeCRLHealth) {
		out = append(out, crlHealth(rule, in, org, in.CRLExpiringMargin)...)
	}
	return out
}

// lifetimeConditions are the alerts of a renewal judged against the
// certificate's lifetime: overdue once its window has passed, and, for a
// rule without fixed thresholds (lifetimeExpiring), expiring once it is
// urgent. A certificate renewed in its window raises neither. Each fires
// once per certificate and stays open until the renewal: quietly when a
// more pressing one holds too (urgent over overdue, expired over both),
// so a first check of an urgent certificate sends one alert, not two, and
// expiry does not resolve them.
func lifetimeConditions(d store.EvalDomain, now time.Time, floorDays int, lifetimeExpiring bool,
	add func(typ, key, detail string, ev func(*notify.Event)) *condition, withCert func(*notify.Event)) {
	st := lifecycle.State{Kind: lifecycle.KindValid, Deadline: d.NotAfter, WindowEnd: d.WindowEnd, UrgentAt: d.UrgentAt}
	expired := st.Expired(now) && d.WindowEnd != nil
	urgent := lifetimeExpiring && (expired || st.Urgent(now, floorDays))
	if urgent {
		detail := fmt.Sprintf("The certificate was not renewed: renewal was expected by %s, and it expires on %s.",
			d.WindowEnd.UTC().Format(time.RFC1123), d.NotAfter.UTC().Format(time.RFC1123))
		if c := add(notify.TypeExpiring, d.LeafSHA256+"|urgent", detail, withCert); c != nil {
			c.quiet = expired
		}
	}
	if expired || st.Overdue(now) {
		if c := add(notify.TypeRenewalOverdue, d.LeafSHA256, problemDetail(notify.TypeRenewalOverdue, lifecycle.ProblemRenewalOverdue, d), withCert); c != nil {
			c.quiet = urgent || expired
		}
	}
}

// crossedThresholds lists the thresholds the deadline is within, smallest
// first. Only the smallest fires: crossing 30, then 14, then 7 days fires
// once per threshold, and a first check at 5 days fires only the 7-day
// alert; the larger ones stay open quietly until the renewal.
func crossedThresholds(sorted []int, notAfter, now time.Time) []int {
	var out []int
	for _, t := range sorted {
		if !notAfter.After(now.Add(time.Duration(t) * lifecycle.Day)) {
			out = append(out, t)
		}
	}
	return out
}

// NextTransition is the earliest instant after now at which the domain's
// conditions change with no new check: a threshold crossing of a rule
// watching expiring certificates (see crossedThresholds), the end of the
// renewal window, urgency by the lifetime or by the floor (see
// lifecycle.State.Urgent), or the expiry itself. It is zero when there is none, as for a domain that fails or a
// rule without those events: then only a new check or a change of the
// rules changes the outcome. Keep it in step with the time-driven
// conditions above; instants too many only cost an evaluation.
func NextTransition(rules []store.AlertRule, d store.EvalDomain, floorDays int, now time.Time) time.Time {
	var next time.Time
	if d.LeafSHA256 == "" || d.NotAfter == nil {
		return next
	}
	consider := func(at *time.Time) {
		if at != nil && at.After(now) && (next.IsZero() || at.Before(next)) {
			next = *at
		}
	}
	for _, rule := range rules {
		if rule.OrganizationID != d.OrganizationID || !inScope(rule, d) {
			continue
		}
		expiring := slices.Contains(rule.Events, notify.TypeExpiring)
		if expiring || slices.Contains(rule.Events, notify.TypeExpired) {
			consider(d.NotAfter)
		}
		if expiring && len(rule.Thresholds) > 0 {
			for _, t := range rule.Thresholds {
				at := d.NotAfter.Add(-time.Duration(t) * lifecycle.Day)
				consider(&at)
			}
		}
		if expiring && len(rule.Thresholds) == 0 {
			consider(d.UrgentAt)
			if floorDays > 0 {
				at := d.NotAfter.Add(-time.Duration(floorDays) * lifecycle.Day)
				consider(&at)
			}
		}
		if slices.Contains(rule.Events, notify.TypeRenewalOverdue) || (expiring && floorDays > 0) {
			consider(d.WindowEnd)
		}
	}
	return next
}

// NextFailures is the count of failures in a row at which a rule next
// acts on the domain: the lowest unreachable_after above its count among
// the rules that watch it for unreachable endpoints; 0 when none does.
func NextFailures(rules []store.AlertRule, d store.EvalDomain) int {
	next := 0
	for _, rule := range rules {
		if rule.OrganizationID != d.OrganizationID || !inScope(rule, d) || !slices.Contains(rule.Events, notify.TypeUnreachable) {
			continue
		}
		if n := unreachableAfter(rule); n > d.ConsecutiveFailures && (next == 0 || n < next) {
			next = n
		}
	}
	return next
}

// unreachableAfter is how many failures in a row the rule waits for.
func unreachableAfter(rule store.AlertRule) int {
	return max(rule.UnreachableAfter, 1)
}

// domainEvent is an event about the domain, with its dashboard link.
func domainEvent(org store.Organization, d store.EvalDomain, baseURL string) notify.Event {
	return notify.Event{Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name}, Domain: &notify.DomainRef{
		ID: d.ID, Host: d.Host, Port: d.Port, Protocol: d.Protocol, URL: baseURL + "/domains/" + d.ID}}
}

func problemDetail(typ string, p lifecycle.Problem, d store.EvalDomain) string {
	switch {
	case p == lifecycle.ProblemRevoked:
		return "A certificate of the chain was revoked by its CA; clients that check revocation refuse it."
	case typ == notify.TypeInvalidChain:
		return "The chain is not trusted (" + strings.ReplaceAll(d.TrustStatus, "_", " ") + ")."
	case typ == notify.TypeHostnameMismatch:
		return "The certificate does not cover " + d.Host + "."
	case typ == notify.TypeWeakCrypto:
		return "The chain uses weak cryptography; the dashboard lists the findings."
	case typ == notify.TypeRenewalOverdue:
		return "The certificate should have been renewed by " + d.WindowEnd.UTC().Format(time.RFC1123) + ": check the rotation automation."
	}
	return ""
}

func inScope(rule store.AlertRule, d store.EvalDomain) bool {
	if rule.ScopeAll {
		return true
	}
	for _, t := range d.Tags {
		if slices.Contains(rule.ScopeTags, t) {
			return true
		}
	}
	return d.AgentID != nil && slices.Contains(rule.ScopeAgentIDs, *d.AgentID)
}

// agentInScope tells whether the rule watches the agent's own events.
func agentInScope(rule store.AlertRule, agentID string) bool {
	return rule.ScopeAll || slices.Contains(rule.ScopeAgentIDs, agentID)
}

func changes(rule store.AlertRule, in store.EvalInput, org store.Organization, baseURL string) []condition {
	domains := make(map[string]store.EvalDomain)
	for _, d := range in.Domains {
		if d.OrganizationID == rule.OrganizationID && inScope(rule, d) {
			domains[d.ID] = d
		}
	}
	var out []condition
	for _, ch := range in.Changes {
		d, ok := domains[ch.DomainID]
		if !ok || ch.ObservedAt.Before(rule.CreatedAt) {
			continue
		}
		e := domainEvent(org, d, baseURL)
		e.Type, e.SHA256, e.OldSHA256 = notify.TypeChanged, ch.NewSHA256, ch.OldSHA256
		e.Detail = "The endpoint serves a new certificate."
		out = append(out, condition{key: "changed|" + ch.ID, event: e, domainID: d.ID, state: store.AlertInfo})
	}
	return out
}

// offlineAgents: an agent is offline after twice its interval without a
// check-in; each silence alerts once.
func offlineAgents(rule store.AlertRule, in store.EvalInput, org store.Organization) []condition {
	var out []condition
	for _, a := range in.Agents {
		if a.OrganizationID != rule.OrganizationID || a.LastSeenAt == nil || !agentInScope(rule, a.ID) {
			continue
		}
		if in.Now.Before(offlineAt(a)) {
			continue
		}
		e := notify.Event{Type: notify.TypeAgentOffline, Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name},
			Agent:  &notify.AgentRef{ID: a.ID, Name: a.Name, LastSeenAt: a.LastSeenAt},
			Detail: "No check-in since " + a.LastSeenAt.UTC().Format(time.RFC1123) + ".",
		}
		out = append(out, condition{key: fmt.Sprintf("agent_offline|%s|%d", a.ID, a.LastSeenAt.Unix()), event: e, agentID: a.ID, state: store.AlertOpen})
	}
	return out
}

// expiringDetail says when the certificate expires and which threshold the
// alert crossed: "expires within 7 days" alone misleads when 1 day is left.
func expiringDetail(left, threshold int) string {
	when := "today"
	switch {
	case left == 1:
		when = "in 1 day"
	case left > 1:
		when = fmt.Sprintf("in %d days", left)
	}
	return fmt.Sprintf("The certificate expires %s (alert threshold: %d days).", when, threshold)
}
