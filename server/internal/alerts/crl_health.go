package alerts

import (
	"fmt"
	"strings"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
)

// crlHealth: each problem of a CRL the organization's certificates name
// is an event of its own, open while the problem lasts. CRLs belong to no
// endpoint or agent, so only rules that watch everything catch them.
func crlHealth(rule store.AlertRule, in store.EvalInput, org store.Organization, margin time.Duration) []condition {
	if !rule.ScopeAll {
		return nil
	}
	var out []condition
	for _, src := range in.Sources {
		if src.OrganizationID != rule.OrganizationID {
			continue
		}
		for _, p := range revocation.Health(src, in.Now, margin) {
			e := notify.Event{Type: notify.TypeCRLHealth, Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name},
				RevocationSource: &notify.RevocationSourceRef{Kind: src.Kind, URL: src.URL, Issuer: src.Issuer},
				NotAfter:         src.NextUpdate, Problem: string(p), Detail: crlDetail(src, p)}
			out = append(out, condition{key: crlKey(string(p), src.URL), event: e, state: store.AlertOpen})
		}
	}
	return out
}

// crlKey is the dedup key of a CRL's problem; crlSubject gives back the
// CRL, the subject its events resolve together under.
func crlKey(problem, url string) string {
	return notify.TypeCRLHealth + "|" + problem + "|" + url
}

func crlSubject(a store.Alert) string {
	_, url, _ := strings.Cut(strings.TrimPrefix(a.DedupKey, notify.TypeCRLHealth+"|"), "|")
	return "c:" + a.OrganizationID + "|" + url
}

func crlDetail(src store.RevocationSource, p revocation.Problem) string {
	next := ""
	if src.NextUpdate != nil {
		next = src.NextUpdate.UTC().Format(time.RFC1123)
	}
	switch p {
	case revocation.ProblemStale:
		return fmt.Sprintf("The CRL passed its next update on %s: services that check it refuse this CA's certificates until it publishes a fresh one.", next)
	case revocation.ProblemExpiring:
		return fmt.Sprintf("The CRL reaches its next update on %s and no fresher one has been published: once it passes, services that check it refuse this CA's certificates.", next)
	case revocation.ProblemStalled:
		return fmt.Sprintf("The CRL's number (%s) has not increased for more than twice its update interval: the CA seems to have stopped publishing.", src.CRLNumber)
	default:
		return fmt.Sprintf("The CRL's number went backwards from %s to %s: the server publishes an older CRL, which may miss revocations.", src.RegressedFrom, src.CRLNumber)
	}
}
