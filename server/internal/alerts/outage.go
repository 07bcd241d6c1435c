package alerts

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// outageWindow is how long after an agent's outage opened its endpoints
// that fail join it silently. Later failures are news again.
const outageWindow = 30 * time.Minute

// isOutage tells an agent's outage, the event that speaks for its
// unreachable endpoints, from an endpoint's or an agent's own event.
func isOutage(a store.Alert) bool {
	return a.DomainID == nil && a.AgentID != nil && a.Type == notify.TypeUnreachable
}

// groupOutages turns the unreachable endpoints of one agent, sent by this
// evaluation, into one message about the agent: "agent dc-1: 1,950
// endpoints unreachable". They join the agent's outage opened less than
// outageWindow ago if there is one, and otherwise open one when there are
// two or more. Each endpoint stays an event of its own, listed under the
// outage in the dashboard, and resolves on its own.
func (p *plan) groupOutages() {
	byAgent := map[string][]int{}
	var agents []string
	for i, s := range p.sends {
		if s.unreachable == "" {
			continue
		}
		if byAgent[s.unreachable] == nil {
			agents = append(agents, s.unreachable)
		}
		byAgent[s.unreachable] = append(byAgent[s.unreachable], i)
	}
	grouped := map[int]bool{}
	for _, agent := range agents {
		members := byAgent[agent]
		id := p.recentOutage(agent)
		if id == "" && len(members) < 2 {
			continue
		}
		if id == "" {
			id = p.openOutage(agent, members)
		}
		for _, i := range members {
			grouped[i] = true
			s := p.sends[i]
			if s.fired >= 0 {
				p.rec.Fired[s.fired].GroupID = &id
				continue
			}
			if p.rec.Joins == nil {
				p.rec.Joins = map[string][]string{}
			}
			p.rec.Joins[id] = append(p.rec.Joins[id], s.event.AlertID)
		}
	}
	kept := p.sends[:0]
	for i, s := range p.sends {
		if !grouped[i] {
			kept = append(kept, s)
		}
	}
	p.sends = kept
}

// recentOutage is the agent's open outage opened within outageWindow.
func (p *plan) recentOutage(agent string) string {
	for _, o := range p.in.Outages {
		if ptr(o.AgentID) == agent && !o.OpenedAt.Before(p.in.Now.Add(-outageWindow)) {
			return o.ID
		}
	}
	return ""
}

// openOutage records a new outage of the agent for the given sends, and
// sends it to every channel they would have gone to.
func (p *plan) openOutage(agent string, members []int) string {
	first := p.sends[members[0]]
	since := p.in.Now
	var rules, channels []string
	for _, i := range members {
		s := p.sends[i]
		if d := p.domains[s.subject[len("d:"):]]; d != nil && d.FailingSince != nil && d.FailingSince.Before(since) {
			since = *d.FailingSince
		}
		rules = appendNew(rules, s.rules...)
		channels = appendNew(channels, s.channels...)
	}
	org := p.in.Orgs[first.org]
	a := store.Alert{ID: store.NewID(), OrganizationID: first.org, RuleID: rules[0], RuleIDs: rules, Type: notify.TypeUnreachable,
		AgentID: &agent, State: store.AlertOpen, OpenedAt: p.in.Now, NotifiedAt: &p.in.Now}
	a.DedupKey = "unreachable|agent|" + agent + "|" + a.ID
	e := notify.Event{ID: a.ID, Type: notify.TypeUnreachable, Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name},
		Agent: &notify.AgentRef{ID: agent, Name: p.in.AgentNames[agent]}, Count: len(members), URL: p.baseURL + "/events/" + a.ID,
		Detail:     fmt.Sprintf("%s endpoints unreachable since %s; the dashboard lists them.", notify.Thousands(len(members)), since.UTC().Format("2006-01-02 15:04 UTC")),
		OccurredAt: p.in.Now}
	payload, _ := json.Marshal(e)
	a.Payload = string(payload)
	p.rec.Fired = append(p.rec.Fired, a)
	p.sends = append(p.sends, send{subject: subjectOf(a), channels: channels, org: a.OrganizationID, rules: rules,
		fired: len(p.rec.Fired) - 1, event: store.NotifiedEvent{AlertID: a.ID, Payload: a.Payload}})
	return a.ID
}

// ResolveOutages closes the given open outages, which have no open
// endpoint left, each with one notice.
func ResolveOutages(in store.EvalInput, outages []store.Alert, baseURL string) store.Evaluation {
	p := newPlan(in, baseURL)
	for _, o := range outages {
		p.resolveSubject([]store.Alert{o})
	}
	return p.decision().Record
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
