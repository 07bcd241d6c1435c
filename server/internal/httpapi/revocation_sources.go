package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
)

// revocationSourceJSON is a CRL or OCSP responder the organization's
// certificates name, with its health: problems lists stale, expiring,
// stalled and regressed (empty when healthy); the CRL fields are absent
// for a responder. Origin is where it last came from: fetched by the
// server, pushed by an agent (agent_id, agent_name) or uploaded.
type revocationSourceJSON struct {
	Kind          string               `json:"kind"`
	URL           string               `json:"url"`
	Issuer        string               `json:"issuer,omitempty"`
	IssuerKeyID   string               `json:"issuer_key_id,omitempty"`
	CRLNumber     string               `json:"crl_number,omitempty"`
	NumberSince   *time.Time           `json:"number_since,omitempty"`
	RegressedFrom string               `json:"regressed_from,omitempty"`
	ThisUpdate    *time.Time           `json:"this_update,omitempty"`
	NextUpdate    *time.Time           `json:"next_update,omitempty"`
	SizeBytes     int                  `json:"size_bytes,omitempty"`
	AnsweredAt    *time.Time           `json:"answered_at"`
	CheckedAt     time.Time            `json:"checked_at"`
	Error         string               `json:"error,omitempty"`
	Failures      int                  `json:"failures"`
	Problems      []revocation.Problem `json:"problems"`
	Origin        string               `json:"origin"`
	AgentID       string               `json:"agent_id,omitempty"`
	AgentName     string               `json:"agent_name,omitempty"`
}

func toRevocationSourceJSON(s store.ListedRevocationSource, now time.Time, margin time.Duration) revocationSourceJSON {
	problems := revocation.Health(s.RevocationSource, now, margin)
	if problems == nil {
		problems = []revocation.Problem{}
	}
	return revocationSourceJSON{Kind: s.Kind, URL: s.URL, Issuer: s.Issuer, IssuerKeyID: s.IssuerKeyID, CRLNumber: s.CRLNumber,
		NumberSince: s.NumberSince, RegressedFrom: s.RegressedFrom, ThisUpdate: s.ThisUpdate, NextUpdate: s.NextUpdate,
		SizeBytes: s.SizeBytes, AnsweredAt: s.AnsweredAt, CheckedAt: s.CheckedAt, Error: s.LastError, Failures: s.Failures,
		Problems: problems, Origin: s.Origin, AgentID: s.AgentID, AgentName: s.AgentName}
}

// listRevocationSources: GET /revocation-sources, CRLs then responders.
func (h *handler) listRevocationSources(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := h.store.ListRevocationSources(c.Request().Context(), principalOf(c).OrgID, page)
	if err != nil {
		return err
	}
	now := h.store.Now()
	return c.JSON(http.StatusOK, newList(mapItems(items, func(s store.ListedRevocationSource) revocationSourceJSON {
		return toRevocationSourceJSON(s, now, h.crlExpiringMargin())
	}), total, page))
}

// crlExpiringMargin is the margin the revocation checker judges CRLs by,
// so that the list says what the alerts do (0, the default, without one).
func (h *handler) crlExpiringMargin() time.Duration {
	if h.revocation == nil || h.revocation.Checker == nil {
		return 0
	}
	return h.revocation.Checker.ExpiringMargin
}
