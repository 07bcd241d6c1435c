package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// maxDiscoveredIDs bounds one adopt or ignore call.
const maxDiscoveredIDs = 1000

var discoveredStates = []string{store.DiscoveredNew, store.DiscoveredKnown, store.DiscoveredIgnored}

type discoveredJSON struct {
	ID             string     `json:"id"`
	AgentID        string     `json:"agent_id"`
	DiscoveryJobID *string    `json:"discovery_job_id"`
	Address        string     `json:"address"`
	Port           int        `json:"port"`
	Protocol       string     `json:"protocol"`
	SNI            string     `json:"sni"`
	SHA256         string     `json:"sha256"`
	NotAfter       *time.Time `json:"not_after"`
	DaysLeft       *int       `json:"days_left"`
	VerdictStatus  string     `json:"verdict_status"`
	TrustStatus    string     `json:"trust_status"`
	Problems       []string   `json:"problems"`
	SuggestedNames []string   `json:"suggested_names"`
	State          string     `json:"state"`
	DomainID       *string    `json:"domain_id"`
	FirstSeenAt    time.Time  `json:"first_seen_at"`
	LastSeenAt     time.Time  `json:"last_seen_at"`
}

func (h *handler) toDiscoveredJSON(v store.DiscoveredView) discoveredJSON {
	out := discoveredJSON{ID: v.ID, AgentID: v.AgentID, DiscoveryJobID: v.DiscoveryJobID, Address: v.Address, Port: v.Port,
		Protocol: v.Protocol, SNI: v.SNI, SHA256: v.LeafSHA256, NotAfter: v.NotAfter, VerdictStatus: v.VerdictStatus,
		TrustStatus: v.TrustStatus, Problems: splitProblems(v.Problems), SuggestedNames: v.SuggestedNames,
		State: v.Effective, DomainID: v.MatchedDomainID, FirstSeenAt: v.FirstSeenAt, LastSeenAt: v.LastSeenAt}
	if out.SuggestedNames == nil {
		out.SuggestedNames = []string{}
	}
	if v.NotAfter != nil {
		d := lifecycle.DaysLeft(*v.NotAfter, h.store.Now())
		out.DaysLeft = &d
	}
	return out
}

func (h *handler) listDiscovered(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	f := store.DiscoveredFilter{State: c.QueryParam("state"), AgentID: c.QueryParam("agent_id"), JobID: c.QueryParam("job_id")}
	if f.State != "" && !slices.Contains(discoveredStates, f.State) {
		return badRequest("state", "state: want one of %s, got %s", strings.Join(discoveredStates, ", "), quote(f.State))
	}
	items, total, err := h.store.ListDiscovered(c.Request().Context(), principalOf(c).OrgID, f, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(mapItems(items, h.toDiscoveredJSON), total, page))
}

// discoveredIDsRequest is the body of adopt and ignore.
type discoveredIDsRequest struct {
	IDs []string `json:"ids"`
}

func (r discoveredIDsRequest) check() error {
	switch {
	case len(r.IDs) == 0:
		return badRequest("ids", "ids: give at least one discovered endpoint ID")
	case len(r.IDs) > maxDiscoveredIDs:
		return badRequest("ids", "ids: at most %d per call", maxDiscoveredIDs)
	}
	return nil
}

// notFoundOf lists the requested IDs that were not found: unknown, or
// another organization's (the two are not told apart).
func notFoundOf(requested, found []string) []string {
	out := []string{}
	for _, id := range requested {
		if !slices.Contains(found, id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

type adoptionJSON struct {
	ID       string `json:"id"`
	DomainID string `json:"domain_id"`
	Created  bool   `json:"created"`
}

type adoptResponse struct {
	Adopted  []adoptionJSON `json:"adopted"`
	NotFound []string       `json:"not_found"`
}

// adoptDiscovered answers 404 when none of the IDs is the caller's, and
// otherwise lists what was adopted and which IDs were not found.
func (h *handler) adoptDiscovered(c echo.Context) error {
	var req discoveredIDsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	adopted, err := h.store.AdoptDiscovered(c.Request().Context(), principalOf(c).OrgID, req.IDs)
	if err != nil {
		return err
	}
	if len(adopted) == 0 {
		return errNotFound
	}
	out := adoptResponse{Adopted: make([]adoptionJSON, len(adopted))}
	found := make([]string, len(adopted))
	for i, a := range adopted {
		out.Adopted[i] = adoptionJSON{ID: a.ID, DomainID: a.DomainID, Created: a.Created}
		found[i] = a.ID
	}
	h.checkAdopted(c.Request().Context(), principalOf(c).OrgID, adopted)
	out.NotFound = notFoundOf(req.IDs, found)
	return c.JSON(http.StatusOK, out)
}

type ignoreResponse struct {
	Ignored  []string `json:"ignored"`
	NotFound []string `json:"not_found"`
}

// ignoreDiscovered follows the same not-found rule as adoptDiscovered.
func (h *handler) ignoreDiscovered(c echo.Context) error {
	var req discoveredIDsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	ignored, err := h.store.IgnoreDiscovered(c.Request().Context(), principalOf(c).OrgID, req.IDs)
	if err != nil {
		return err
	}
	if len(ignored) == 0 {
		return errNotFound
	}
	return c.JSON(http.StatusOK, ignoreResponse{Ignored: ignored, NotFound: notFoundOf(req.IDs, ignored)})
}

// checkAdopted has the domains adoption created checked now by the agents
// that found them; one that cannot be read only waits for the schedule.
func (h *handler) checkAdopted(ctx context.Context, orgID string, adopted []store.Adoption) {
	var fresh []store.Domain
	for _, a := range adopted {
		if !a.Created {
			continue
		}
		if v, err := h.store.GetDomain(ctx, orgID, a.DomainID, 0); err == nil {
			fresh = append(fresh, v.Domain)
		}
	}
	h.targetsChanged(ctx, orgID, fresh)
}
