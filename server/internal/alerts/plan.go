package alerts

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// Decision is what an evaluation records, and when the open events of
// each domain (Wake) and of each agent (AgentWake) next need a look with
// no new check (a reminder, the end of a snooze or of a maintenance window).
type Decision struct {
	Record    store.Evaluation
	Wake      map[string]time.Time
	AgentWake map[string]time.Time
	// Shrunk are the agent outages that lose endpoints, and close once
	// they have none left open (see ResolveOutages).
	Shrunk []string
}

// catch is a condition with the rules that caught it; loud are those for
// which it fires and is sent (see condition.quiet), kept those for which
// it fires into the history only (see condition.silent).
type catch struct {
	cond              condition
	rules, loud, kept []store.AlertRule
}

// plan gathers one evaluation's events and what to send of them.
type plan struct {
	in      store.EvalInput
	baseURL string
	rules   map[string]store.AlertRule
	domains map[string]*store.EvalDomain
	// open holds the dedup keys of the open events.
	open map[string]bool
	rec  store.Evaluation
	// sends are the events to send, grouped into notifications last.
	sends []send
	// resolving holds the events this evaluation closes.
	resolving map[string]bool
	// shrunk are the outages some of whose endpoints resolve.
	shrunk []string
	// wake and agentWake are when each domain's and agent's open events
	// next need a look.
	wake, agentWake map[string]time.Time
}

// send is one event to send, to channels, in the message about subject.
type send struct {
	subject  string
	channels []string
	event    store.NotifiedEvent
	org      string
	rules    []string
	// fired is the event's index in the recorded Fired, -1 for an event
	// recorded before.
	fired int
	// unreachable is the agent of an unreachable endpoint sent for the
	// first time, to group the agent's outage into one message (outage.go).
	unreachable string
}

func newPlan(in store.EvalInput, baseURL string) *plan {
	p := &plan{in: in, baseURL: baseURL, rules: map[string]store.AlertRule{}, domains: map[string]*store.EvalDomain{},
		open: map[string]bool{}, resolving: map[string]bool{}, wake: map[string]time.Time{}, agentWake: map[string]time.Time{}}
	for _, r := range in.Rules {
		p.rules[r.ID] = r
	}
	for i := range in.Domains {
		p.domains[in.Domains[i].ID] = &in.Domains[i]
	}
	for _, a := range in.OpenAlerts {
		p.open[a.DedupKey] = true
	}
	return p
}

// fire records a new event and, unless maintenance silences its subject,
// sends it to the channels of the rules it fires for.
func (p *plan) fire(k catch) {
	c, rule := k.cond, k.rules[0]
	a := store.Alert{ID: store.NewID(), OrganizationID: rule.OrganizationID, RuleID: rule.ID, RuleIDs: ruleIDs(k.rules),
		Type: c.event.Type, DedupKey: c.key, State: c.state, OpenedAt: p.in.Now}
	c.event.ID, c.event.OccurredAt = a.ID, p.in.Now
	payload, _ := json.Marshal(c.event)
	a.Payload = string(payload)
	if c.domainID != "" {
		a.DomainID = &c.domainID
	}
	if c.agentID != "" {
		a.AgentID = &c.agentID
	}
	if len(k.loud) == 0 {
		p.rec.Fired = append(p.rec.Fired, a)
		return
	}
	quiet, end := p.maintenance(a)
	if quiet {
		p.rec.Fired = append(p.rec.Fired, a)
		p.wakeAt(a, end)
		return
	}
	now := p.in.Now
	a.NotifiedAt = &now
	p.rec.Fired = append(p.rec.Fired, a)
	p.queue(a, len(p.rec.Fired)-1, channelsOf(k.loud, notify.SeverityOf(c.event), p.tagsOf(a)), store.NotifiedEvent{AlertID: a.ID, Payload: a.Payload})
	if every, _ := remindEvery(k.loud); every > 0 && a.State == store.AlertOpen {
		p.wakeAt(a, now.Add(every))
	}
}

// queue adds an event to send; an unreachable endpoint of an agent may
// join the agent's outage instead (outage.go).
func (p *plan) queue(a store.Alert, fired int, channels []string, e store.NotifiedEvent) {
	s := send{subject: subjectOf(a), channels: channels, event: e, org: a.OrganizationID, rules: a.RuleIDs, fired: fired}
	d := p.domains[ptr(a.DomainID)]
	if d != nil && a.Type == notify.TypeUnreachable && d.AgentID != nil && e.Previous == nil {
		s.unreachable = *d.AgentID
	}
	p.sends = append(p.sends, s)
}

// resolve closes the open events whose condition is gone, with one notice
// per subject however many events it closes. An agent's outage closes
// with its last endpoint instead (outage.go).
func (p *plan) resolve(caught map[string]*catch) {
	groups := map[string][]store.Alert{}
	var order []string
	for _, a := range p.in.OpenAlerts {
		if caught[a.DedupKey] != nil || isOutage(a) {
			continue
		}
		s := subjectOf(a)
		if groups[s] == nil {
			order = append(order, s)
		}
		groups[s] = append(groups[s], a)
	}
	for _, s := range order {
		p.resolveSubject(groups[s])
	}
}

func (p *plan) resolveSubject(list []store.Alert) {
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	var first notify.Event
	_ = json.Unmarshal([]byte(list[0].Payload), &first)
	var types, rules, ids []string
	var heard []store.Alert
	for _, a := range list {
		ids = append(ids, a.ID)
		p.resolving[a.ID] = true
		if !slices.Contains(types, a.Type) {
			types = append(types, a.Type)
		}
		for _, r := range a.RuleIDs {
			if !slices.Contains(rules, r) {
				rules = append(rules, r)
			}
		}
		// Only what was sent, and is not silenced until a time, is news.
		if z, until := snoozed(a, p.in.Now); a.NotifiedAt != nil && a.GroupID == nil && (!z || until.IsZero()) {
			heard = append(heard, a)
		}
	}
	e := notify.Event{Type: notify.TypeResolved, Resolves: strings.Join(types, ","), Organization: first.Organization,
		Domain: first.Domain, Agent: first.Agent, RevocationSource: first.RevocationSource, Detail: "Resolved: " + strings.ReplaceAll(strings.Join(types, ", "), "_", " ") + "."}
	notice := p.notice(list[0], rules, e)
	p.rec.Resolutions = append(p.rec.Resolutions, store.Resolution{AlertIDs: ids, Notice: notice})
	if len(heard) == 0 {
		return
	}
	if quiet, _ := p.maintenance(list[0]); quiet {
		return
	}
	var wanting []store.AlertRule
	for _, id := range rules {
		if r, ok := p.rules[id]; ok && slices.Contains(r.Events, notify.TypeResolved) {
			wanting = append(wanting, r)
		}
	}
	sent := make([]string, len(heard))
	for i, a := range heard {
		sent[i] = a.Payload
	}
	last := &p.rec.Resolutions[len(p.rec.Resolutions)-1].Notice
	now := p.in.Now
	last.NotifiedAt = &now
	p.queue(*last, -1, channelsOf(wanting, severityOf(sent...), p.tagsOf(*last)), store.NotifiedEvent{AlertID: last.ID, Payload: last.Payload})
}

// notice builds the info event that says an event of subject closed.
func (p *plan) notice(of store.Alert, rules []string, e notify.Event) store.Alert {
	a := store.Alert{ID: store.NewID(), OrganizationID: of.OrganizationID, RuleID: of.RuleID, RuleIDs: rules, Type: notify.TypeResolved,
		DedupKey: "resolved|" + of.ID, State: store.AlertInfo, OpenedAt: p.in.Now, DomainID: of.DomainID, AgentID: of.AgentID}
	e.ID, e.OccurredAt = a.ID, p.in.Now
	payload, _ := json.Marshal(e)
	a.Payload = string(payload)
	return a
}

// followUp sends the open events that were held back and are free now,
// and the reminders that are due, and notes when each needs a look next.
// An event that stays open quietly (a larger threshold a later one
// superseded) is not repeated: the later one speaks for it.
func (p *plan) followUp(caught map[string]*catch) {
	for i := range p.in.OpenAlerts {
		a := &p.in.OpenAlerts[i]
		if k := caught[a.DedupKey]; k != nil && len(k.loud) == 0 && !p.resolving[a.ID] {
			continue
		}
		if a.GroupID != nil && p.resolving[a.ID] && !slices.Contains(p.shrunk, *a.GroupID) {
			p.shrunk = append(p.shrunk, *a.GroupID)
		}
		if p.resolving[a.ID] || a.GroupID != nil {
			continue
		}
		var rules []store.AlertRule
		for _, id := range a.RuleIDs {
			if r, ok := p.rules[id]; ok && slices.Contains(r.Events, a.Type) {
				rules = append(rules, r)
			}
		}
		if len(rules) == 0 {
			continue
		}
		quiet, end := p.maintenance(*a)
		if z, until := snoozed(*a, p.in.Now); z && (!quiet || until.After(end)) {
			quiet, end = true, until
		}
		switch {
		case a.NotifiedAt == nil && quiet:
			p.wakeAt(*a, end)
		case a.NotifiedAt == nil:
			p.queue(*a, -1, channelsOf(rules, severityOf(a.Payload), p.tagsOf(*a)), store.NotifiedEvent{AlertID: a.ID, Payload: a.Payload, Again: true})
			if every, _ := remindEvery(rules); every > 0 {
				p.wakeAt(*a, p.in.Now.Add(every))
			}
		default:
			p.remind(a, rules, quiet, end)
		}
	}
}

// remind repeats an open event every RemindEveryHours of its rules that
// ask for it, unless it is acknowledged or silenced.
func (p *plan) remind(a *store.Alert, rules []store.AlertRule, quiet bool, end time.Time) {
	every, reminding := remindEvery(rules)
	if every == 0 || a.AcknowledgedAt != nil {
		return
	}
	due := a.NotifiedAt.Add(every)
	switch {
	case due.After(p.in.Now):
		p.wakeAt(*a, due)
	case quiet:
		p.wakeAt(*a, end)
	default:
		var e notify.Event
		_ = json.Unmarshal([]byte(a.Payload), &e)
		e.Reminder, e.OccurredAt = true, p.in.Now
		payload, _ := json.Marshal(e)
		p.queue(*a, -1, channelsOf(reminding, notify.SeverityOf(e), p.tagsOf(*a)), store.NotifiedEvent{AlertID: a.ID, Payload: string(payload), Again: true, Previous: a.NotifiedAt})
		p.wakeAt(*a, p.in.Now.Add(every))
	}
}

// remindEvery is the shortest reminder interval of the rules, with the
// rules that ask for reminders; zero when none does.
func remindEvery(rules []store.AlertRule) (time.Duration, []store.AlertRule) {
	var every time.Duration
	var reminding []store.AlertRule
	for _, r := range rules {
		if r.RemindEveryHours > 0 {
			reminding = append(reminding, r)
			if h := time.Duration(r.RemindEveryHours) * time.Hour; every == 0 || h < every {
				every = h
			}
		}
	}
	return every, reminding
}

// maintenance says whether a maintenance window silences the event's
// subject now, and until when.
func (p *plan) maintenance(a store.Alert) (bool, time.Time) {
	if a.DomainID != nil {
		if d := p.domains[*a.DomainID]; d != nil {
			return maintenanceEnd(p.in, d, "")
		}
		return false, time.Time{}
	}
	return maintenanceEnd(p.in, nil, ptr(a.AgentID))
}

// wakeAt notes that the event's subject, its domain or else its agent,
// needs a look at t (zero: never).
func (p *plan) wakeAt(a store.Alert, t time.Time) {
	wake, id := p.wake, a.DomainID
	if id == nil {
		wake, id = p.agentWake, a.AgentID
	}
	if id == nil || t.IsZero() {
		return
	}
	if cur, ok := wake[*id]; !ok || t.Before(cur) {
		wake[*id] = t
	}
}

// decision groups the sends into notifications: one message per subject
// and channel, listing every event of the subject this evaluation sends.
func (p *plan) decision() Decision {
	p.groupOutages()
	type box struct {
		org    string
		events []store.NotifiedEvent
	}
	boxes := map[string]*box{}
	var order []string
	for _, s := range p.sends {
		for _, ch := range s.channels {
			key := s.subject + "|" + ch
			b := boxes[key]
			if b == nil {
				b = &box{org: s.org}
				boxes[key] = b
				order = append(order, key)
			}
			if !slices.ContainsFunc(b.events, func(e store.NotifiedEvent) bool { return e.AlertID == s.event.AlertID }) {
				b.events = append(b.events, s.event)
			}
		}
	}
	// Channels that get the same events share a notification.
	same := map[string]int{}
	for _, key := range order {
		b := boxes[key]
		ch := key[strings.LastIndexByte(key, '|')+1:]
		sig := key[:strings.LastIndexByte(key, '|')]
		for _, e := range b.events {
			sig += "|" + e.AlertID
		}
		if i, ok := same[sig]; ok {
			p.rec.Notifications[i].ChannelIDs = append(p.rec.Notifications[i].ChannelIDs, ch)
			continue
		}
		same[sig] = len(p.rec.Notifications)
		p.rec.Notifications = append(p.rec.Notifications, store.Notification{OrganizationID: b.org, ChannelIDs: []string{ch}, Events: b.events})
	}
	return Decision{Record: p.rec, Wake: p.wake, AgentWake: p.agentWake, Shrunk: p.shrunk}
}

// subjectOf names what an event is about: its domain, else its agent,
// else its CRL.
func subjectOf(a store.Alert) string {
	switch {
	case a.DomainID != nil:
		return "d:" + *a.DomainID
	case a.AgentID == nil && a.Type == notify.TypeCRLHealth:
		return crlSubject(a)
	}
	return "a:" + ptr(a.AgentID)
}

func ruleIDs(rules []store.AlertRule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

func ptr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
