package revocation

import (
	"context"
	"encoding/hex"
	"maps"
	"math/big"
	"slices"
	"time"
	"unicode/utf8"

	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
)

// DefaultExpiringMargin is how long before its next update a CRL is
// reported as expiring unless the server is told otherwise
// (CERTINEL_CRL_EXPIRY_MARGIN). A day: a CA publishes a fresh CRL well
// before the current one's next update (RFC 5280 leaves the overlap to
// it, and public and internal CAs alike republish at least daily), so a
// CRL a day from expiry means its publication stopped, and a day is time
// enough to repair it before every relying party starts refusing
// connections. A CA that publishes weekly CRLs may want more.
const DefaultExpiringMargin = 24 * time.Hour

// Margin is the expiring margin m, or DefaultExpiringMargin when m is 0.
func Margin(m time.Duration) time.Duration {
	if m <= 0 {
		return DefaultExpiringMargin
	}
	return m
}

// Problem is a reason a CRL or responder is unhealthy.
type Problem string

// Problems of a revocation source.
const (
	// ProblemStale: the CRL's next update has passed.
	ProblemStale Problem = "stale"
	// ProblemExpiring: its next update is within the expiring margin.
	ProblemExpiring Problem = "expiring"
	// ProblemStalled: its number has not increased for longer than twice
	// its update interval (next update minus this update of the CRL
	// last loaded).
	ProblemStalled Problem = "stalled"
	// ProblemRegressed: the last CRL fetched has a lower number than
	// one recorded before.
	ProblemRegressed Problem = "regressed"
)

// Health tells the problems of a source at now, margin being the expiring
// margin (0: DefaultExpiringMargin). A CRL without a number
// cannot stall or regress; an unreachable URL is not a problem of its own
// (its last error says why), only what it leads to: a CRL that goes
// stale.
func Health(src store.RevocationSource, now time.Time, margin time.Duration) []Problem {
	var out []Problem
	if src.NextUpdate != nil {
		switch {
		case !now.Before(*src.NextUpdate):
			out = append(out, ProblemStale)
		case src.NextUpdate.Sub(now) <= Margin(margin):
			out = append(out, ProblemExpiring)
		}
	}
	if at, ok := stallsAt(src); ok && now.After(at) {
		out = append(out, ProblemStalled)
	}
	if src.RegressedFrom != "" {
		out = append(out, ProblemRegressed)
	}
	return out
}

// stallsAt is when a CRL whose number stays the same becomes stalled:
// twice its update interval (next update minus this update of the CRL
// last loaded) after the number last increased; ok is false for a CRL
// without a number or an interval.
func stallsAt(src store.RevocationSource) (t time.Time, ok bool) {
	if src.NumberSince == nil || src.ThisUpdate == nil || src.NextUpdate == nil || src.CRLNumber == "" {
		return t, false
	}
	interval := src.NextUpdate.Sub(*src.ThisUpdate)
	return src.NumberSince.Add(2 * interval), interval > 0
}

// attentionAt is the earliest time Health may find a problem with src:
// when the CRL comes within the margin of its next update or would
// stall, at once when its number went backwards; nil for a responder.
func attentionAt(src store.RevocationSource, margin time.Duration) *time.Time {
	var at *time.Time
	earliest := func(t time.Time) {
		if at == nil || t.Before(*at) {
			at = &t
		}
	}
	if src.NextUpdate != nil {
		earliest(src.NextUpdate.Add(-Margin(margin)))
	}
	if t, ok := stallsAt(src); ok {
		earliest(t)
	}
	if src.RegressedFrom != "" {
		earliest(src.CheckedAt)
	}
	return at
}

// responderSeen is what an OCSP responder answered during a pass, asked
// by the server (agentID "") or by an agent.
type responderSeen struct {
	answered bool
	why      string
	agentID  string
}

// responderAnswered notes an answer of the responder at u; p.mu is held.
func (p *Pass) responderAnswered(u string, st Status) {
	seen := p.responders[u]
	if seen == nil {
		seen = &responderSeen{}
		p.responders[u] = seen
	}
	if st.State == StateUnavailable {
		seen.why = st.Why
	} else {
		seen.answered = true
	}
}

// observe updates the record of a CRL or responder with what the pass
// found there; ok is false when the pass did not ask it.
func (p *Pass) observe(known store.RevocationSource, now time.Time) (src store.RevocationSource, ok bool) {
	crl, why, agentID, ok := p.outcome(Source(known.Kind), known.URL)
	if !ok {
		return known, false
	}
	src = known
	src.CheckedAt, src.UpdatedAt = now, now
	src.Origin, src.AgentID = store.OriginFetched, agentID
	if agentID != "" {
		src.Origin = store.OriginAgent
	}
	if why != "" {
		src.Failures++
		src.LastError = safetext.Fit(why, maxErrorText)
		return src, true
	}
	answered := now
	if crl != nil {
		list := crl.list
		src.Issuer = safetext.Fit(list.Issuer.String(), maxErrorText)
		src.IssuerKeyID = hex.EncodeToString(list.AuthorityKeyId)
		src.ThisUpdate, src.NextUpdate = timePtr(list.ThisUpdate.UTC()), timePtr(list.NextUpdate.UTC())
		src.SizeBytes = crl.size
		numbered(&src, list.Number, now)
		src.AttentionAt = attentionAt(src, p.c.ExpiringMargin)
		answered = crl.fetched
	}
	src.AnsweredAt, src.Failures, src.LastError = &answered, 0, ""
	return src, true
}

// outcome is what the pass found at a URL: the CRL loaded (nil for a
// responder), or why there was no answer ("" when there was one), and the
// agent that fetched it ("" for the server); ok is false when the pass
// did not ask it.
func (p *Pass) outcome(kind Source, u string) (crl *cachedCRL, why, agentID string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if kind == SourceOCSP {
		seen, ok := p.responders[u]
		if !ok {
			return nil, "", "", false
		}
		if seen.answered {
			return nil, "", seen.agentID, true
		}
		return nil, seen.why, seen.agentID, true
	}
	e, ok := p.crls[u]
	if !ok {
		return nil, "", "", false
	}
	return e.crl, e.why, e.agentID, true
}

// numbered records a loaded CRL's number: NumberSince moves when it
// increases; a lower one than the highest recorded sets RegressedFrom
// until a CRL at least as high comes back.
func numbered(src *store.RevocationSource, number *big.Int, now time.Time) {
	if number == nil {
		src.CRLNumber, src.RegressedFrom, src.NumberSince = "", "", nil
		return
	}
	highest := src.CRLNumber
	if src.RegressedFrom != "" {
		highest = src.RegressedFrom
	}
	prev, known := new(big.Int).SetString(highest, 10)
	switch {
	case !known || number.Cmp(prev) > 0:
		src.NumberSince, src.RegressedFrom = &now, ""
	case number.Cmp(prev) < 0:
		src.RegressedFrom = highest
	default:
		src.RegressedFrom = ""
	}
	src.CRLNumber = number.String()
}

// maxTrackedURL bounds the URLs tracked: they are keys of indexes, and a
// certificate may name any URL.
const maxTrackedURL = 2000

// trackable is u when it can be stored and indexed as it is, else "": a
// CRL or responder named by an overlong or invalid URL is still asked,
// just not tracked.
func trackable(u string) string {
	if len(u) > maxTrackedURL || !utf8.ValidString(u) {
		return ""
	}
	return u
}

// usedSources are the URLs of the certificates checked in a tick, by
// organization and kind.
type usedSources map[string]map[Source][]string

func (u usedSources) add(rs store.RevocationStatus) {
	for kind, url := range map[Source]string{SourceCRL: rs.CRLURL, SourceOCSP: rs.OCSPURL} {
		if url == "" {
			continue
		}
		if u[rs.OrganizationID] == nil {
			u[rs.OrganizationID] = map[Source][]string{}
		}
		if !slices.Contains(u[rs.OrganizationID][kind], url) {
			u[rs.OrganizationID][kind] = append(u[rs.OrganizationID][kind], url)
		}
	}
}

// saveSources records, for each organization, what the pass found at the
// CRLs and responders its checked certificates name and the pass asked.
func (r *Refresher) saveSources(ctx context.Context, pass *Pass, used usedSources) error {
	now := r.Store.Now()
	for _, orgID := range slices.Sorted(maps.Keys(used)) {
		for _, kind := range []Source{SourceCRL, SourceOCSP} {
			urls := used[orgID][kind]
			if len(urls) == 0 {
				continue
			}
			known, err := r.Store.RevocationSourcesByURL(ctx, orgID, string(kind), urls)
			if err != nil {
				return err
			}
			for _, u := range urls {
				src, ok := known[u]
				if !ok {
					src = store.RevocationSource{OrganizationID: orgID, Kind: string(kind), URL: u}
				}
				if src, ok = pass.observe(src, now); !ok {
					continue
				}
				if err := r.Store.SaveRevocationSource(ctx, src); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
