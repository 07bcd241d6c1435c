package alerts

import (
	"fmt"
	"slices"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// WindowMovedEarlier fires, for each rule watching the event and each
// domain of the input still serving the certificate, a notice that its
// CA moved the suggested renewal window earlier: the CA wants the
// certificate replaced now, usually because it will revoke it. The notice
// is informational (nothing resolves it) and keyed by the window it moved
// away from, so that recording it again after a failure adds nothing.
func WindowMovedEarlier(in store.EvalInput, sha256 string, ri store.RenewalInfo, baseURL string) []store.NewAlert {
	if ri.WindowStart == nil || ri.WindowEnd == nil || ri.PreviousStart == nil {
		return nil
	}
	window := &notify.Window{Start: *ri.WindowStart, End: *ri.WindowEnd}
	detail := fmt.Sprintf("The issuing CA moved its suggested renewal window earlier, to start %s instead of %s: "+
		"renew this certificate now, the CA may be about to revoke it.",
		ri.WindowStart.UTC().Format(time.RFC1123), ri.PreviousStart.UTC().Format(time.RFC1123))
	var out []store.NewAlert
	for _, rule := range in.Rules {
		if !slices.Contains(rule.Events, notify.TypeRenewalWindowMovedEarlier) {
			continue
		}
		org := in.Orgs[rule.OrganizationID]
		for _, d := range in.Domains {
			if d.OrganizationID != rule.OrganizationID || d.LeafSHA256 != sha256 || !inScope(rule, d) {
				continue
			}
			e := domainEvent(org, d, baseURL)
			e.Type, e.SHA256, e.NotAfter, e.Detail = notify.TypeRenewalWindowMovedEarlier, sha256, d.NotAfter, detail
			e.SuggestedWindow, e.ExplanationURL = window, ri.ExplanationURL
			key := fmt.Sprintf("%s|%s|%s|%s|%d", rule.ID, notify.TypeRenewalWindowMovedEarlier, d.ID, sha256, ri.PreviousStart.Unix())
			out = append(out, newAlert(rule, key, condition{event: e, domainID: d.ID, state: store.AlertInfo}, in.Now))
		}
	}
	return out
}
