package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

type chainEntryJSON struct {
	Position  int       `json:"position"`
	SHA256    string    `json:"sha256"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	DaysLeft  int       `json:"days_left"`
}

type servedJSON struct {
	SHA256    string    `json:"sha256"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	NotAfter  time.Time `json:"not_after"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Checks    int       `json:"checks"`
}

type domainDetailJSON struct {
	domainJSON
	Chain   []chainEntryJSON `json:"chain"`
	History []servedJSON     `json:"history"`
}

func (h *handler) getDomain(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	v, err := h.store.GetDomain(ctx, orgID, c.Param("id"), org.ExpiringThresholdDays)
	if err != nil {
		return err
	}
	out := domainDetailJSON{domainJSON: h.toDomainJSON(v), Chain: []chainEntryJSON{}}
	now := h.store.Now()
	if v.CheckedAt != nil {
		state, err := h.store.DomainStateOf(ctx, orgID, v.ID)
		if err != nil {
			return err
		}
		chain, err := h.store.ObservationChain(ctx, orgID, state.ObservationID)
		if err != nil {
			return err
		}
		out.Chain = mapItems(chain, func(e store.ChainEntry) chainEntryJSON {
			return chainEntryJSON{Position: e.Position, SHA256: e.SHA256, Subject: e.Subject, Issuer: e.Issuer,
				Serial: e.Serial, NotBefore: e.NotBefore, NotAfter: e.NotAfter, DaysLeft: daysLeft(e.NotAfter, now)}
		})
	}
	history, err := h.store.DomainHistory(ctx, orgID, v.ID)
	if err != nil {
		return err
	}
	out.History = mapItems(history, func(s store.ServedCertificate) servedJSON {
		return servedJSON{SHA256: s.SHA256, Subject: s.Subject, Issuer: s.Issuer, NotAfter: s.NotAfter,
			FirstSeen: s.FirstSeen, LastSeen: s.LastSeen, Checks: s.Count}
	})
	return c.JSON(http.StatusOK, out)
}
