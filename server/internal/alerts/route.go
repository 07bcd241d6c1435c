package alerts

import (
	"encoding/json"
	"slices"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// channelsOf lists, once each, the channels the rules route an event of
// severity sev to, about a domain with tags (none for an agent's event).
func channelsOf(rules []store.AlertRule, sev notify.Severity, tags []string) []string {
	var out []string
	for _, r := range rules {
		for _, rt := range r.EffectiveRoutes() {
			if takes(rt, sev, tags) && !slices.Contains(out, rt.ChannelID) {
				out = append(out, rt.ChannelID)
			}
		}
	}
	return out
}

// takes says whether a route sends an event: urgent enough, and about a
// domain with one of the route's tags when it names any.
func takes(rt store.Route, sev notify.Severity, tags []string) bool {
	floor, ok := notify.ParseSeverity(rt.MinSeverity)
	if !ok {
		floor = notify.SeverityInfo
	}
	if !sev.AtLeast(floor) {
		return false
	}
	return len(rt.Tags) == 0 || slices.ContainsFunc(rt.Tags, func(t string) bool { return slices.Contains(tags, t) })
}

// severityOf rates the events of stored payloads: the most severe of them.
// A resolution is rated by the events it closes, as they were sent (an
// expiring certificate's urgency depends on the days it had left), so it
// reaches every channel that heard of the problem.
func severityOf(payloads ...string) notify.Severity {
	events := make([]notify.Event, 0, len(payloads))
	for _, p := range payloads {
		var e notify.Event
		if json.Unmarshal([]byte(p), &e) == nil {
			events = append(events, e)
		}
	}
	return notify.MostSevere(events...)
}

// tagsOf are the tags of the event's domain; an agent's event has none.
func (p *plan) tagsOf(a store.Alert) []string {
	if a.DomainID == nil {
		return nil
	}
	if d := p.domains[*a.DomainID]; d != nil {
		return d.Tags
	}
	return nil
}
