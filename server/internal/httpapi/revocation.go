package httpapi

import (
	"context"
	"time"

	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
)

// revocationJSON is what the server last found of a certificate's
// revocation: state good, revoked, unknown or unavailable (error says
// why), from source ocsp, crl or stapled; staple_error says why the OCSP
// response the server staples is not trusted. Null when it was never
// checked and nothing was stapled.
type revocationJSON struct {
	State  string `json:"state"`
	Source string `json:"source,omitempty"`
	// URL is the CRL or responder that Source names, as the certificate
	// gives it.
	URL         string     `json:"url,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	CheckedAt   *time.Time `json:"checked_at"`
	ThisUpdate  *time.Time `json:"this_update,omitempty"`
	NextUpdate  *time.Time `json:"next_update,omitempty"`
	NextCheckAt time.Time  `json:"next_check_at"`
	Error       string     `json:"error,omitempty"`
	StapleError string     `json:"staple_error,omitempty"`
}

// revocations answers the organization's revocation statuses of the
// given certificates, by SHA-256.
func (h *handler) revocations(ctx context.Context, orgID string, sha256s ...string) (map[string]*revocationJSON, error) {
	found, err := h.store.RevocationStatuses(ctx, orgID, sha256s)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*revocationJSON, len(found))
	for sha, rs := range found {
		if rs.State == string(revocation.StatePending) && rs.StapleError == "" {
			continue // a row made when the certificate was first served
		}
		out[sha] = toRevocationJSON(rs)
	}
	return out, nil
}

func toRevocationJSON(rs store.RevocationStatus) *revocationJSON {
	out := &revocationJSON{State: rs.State, Source: rs.Source, RevokedAt: rs.RevokedAt, Reason: rs.Reason,
		CheckedAt: rs.CheckedAt, ThisUpdate: rs.ThisUpdate, NextUpdate: rs.NextUpdate, NextCheckAt: rs.NextCheckAt,
		Error: rs.LastError, StapleError: rs.StapleError}
	switch revocation.Source(rs.Source) {
	case revocation.SourceCRL:
		out.URL = rs.CRLURL
	case revocation.SourceOCSP:
		out.URL = rs.OCSPURL
	}
	return out
}
