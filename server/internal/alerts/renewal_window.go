package alerts

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// WindowMovedEarlier records, for each domain of the input still serving
// the certificate and watched by a rule choosing the event, a notice that
// its CA moved the suggested renewal window earlier: the CA wants the
// certificate replaced now, usually because it will revoke it. One event
// per domain however many rules watch it, sent once to each of their
// channels; it is informational (nothing resolves it) and keyed by the
// window it moved away from, so that recording it again adds nothing.
func WindowMovedEarlier(in store.EvalInput, sha256 string, ri store.RenewalInfo, baseURL string) store.Evaluation {
	var ev store.Evaluation
	if ri.WindowStart == nil || ri.WindowEnd == nil || ri.PreviousStart == nil {
		return ev
	}
	window := &notify.Window{Start: *ri.WindowStart, End: *ri.WindowEnd}
	detail := fmt.Sprintf("The issuing CA moved its suggested renewal window earlier, to start %s instead of %s: "+
		"renew this certificate now, the CA may be about to revoke it.",
		ri.WindowStart.UTC().Format(time.RFC1123), ri.PreviousStart.UTC().Format(time.RFC1123))
	for _, d := range in.Domains {
		if d.LeafSHA256 != sha256 {
			continue
		}
		var watching []store.AlertRule
		for _, rule := range in.Rules {
			if rule.OrganizationID == d.OrganizationID && slices.Contains(rule.Events, notify.TypeRenewalWindowMovedEarlier) && inScope(rule, d) {
				watching = append(watching, rule)
			}
		}
		if len(watching) == 0 {
			continue
		}
		e := domainEvent(in.Orgs[d.OrganizationID], d, baseURL)
		e.Type, e.SHA256, e.NotAfter, e.Detail = notify.TypeRenewalWindowMovedEarlier, sha256, d.NotAfter, detail
		e.SuggestedWindow, e.ExplanationURL = window, ri.ExplanationURL
		a := store.Alert{ID: store.NewID(), OrganizationID: d.OrganizationID, RuleID: watching[0].ID, RuleIDs: ruleIDs(watching),
			Type: e.Type, DedupKey: fmt.Sprintf("%s|%s|%s|%d", e.Type, d.ID, sha256, ri.PreviousStart.Unix()),
			State: store.AlertInfo, OpenedAt: in.Now, DomainID: &d.ID, NotifiedAt: &in.Now}
		e.ID, e.OccurredAt = a.ID, in.Now
		payload, _ := json.Marshal(e)
		a.Payload = string(payload)
		ev.Fired = append(ev.Fired, a)
		if channels := channelsOf(watching, notify.SeverityOf(e), d.Tags); len(channels) > 0 {
			ev.Notifications = append(ev.Notifications, store.Notification{OrganizationID: d.OrganizationID, ChannelIDs: channels,
				Events: []store.NotifiedEvent{{AlertID: a.ID, Payload: a.Payload}}})
		}
	}
	return ev
}
