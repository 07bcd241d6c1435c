package httpapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Bounds of the revocation fetches handed to an agent per pull and of the
// error text it may send back.
const (
	maxPulledRevocationFetches = 100
	maxRevocationPushError     = 500
	maxRevocationFetchIDLen    = 64
)

// revocationFetches are the CRLs and OCSP answers the agent is asked to
// fetch, as its pull carries them.
func (h *handler) revocationFetches(c echo.Context, a store.Agent) ([]wire.RevocationFetch, error) {
	fetches, err := h.store.AgentRevocationFetches(c.Request().Context(), a.OrganizationID, a.ID, maxPulledRevocationFetches)
	if err != nil {
		return nil, err
	}
	out := make([]wire.RevocationFetch, len(fetches))
	for i, f := range fetches {
		out[i] = wire.RevocationFetch{ID: f.ID, Kind: f.Kind, URL: f.URL, OCSPRequest: f.OCSPRequest}
	}
	return out, nil
}

// agentRevocation: POST /agent/revocation, what the agent's fetch of a CRL
// or OCSP answer brought. Only a fetch this agent was asked is taken: any
// other id answers 404 and nothing is applied. The server verifies the
// answer itself; one that does not verify is recorded as unavailable.
func (h *handler) agentRevocation(c echo.Context) error {
	var push wire.RevocationPush
	if err := decodeAgentJSON(c, wire.MaxRevocationPushJSON, &push); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(push.ID) == "":
		return badRequest("id", "id is required")
	case len(push.ID) > maxRevocationFetchIDLen || !safetext.Storable(push.ID):
		return errNotFound
	}
	if h.revocation == nil {
		return errNotFound
	}
	a := agentOf(c).Agent
	ctx := c.Request().Context()
	f, err := h.store.TakeRevocationFetch(ctx, a.OrganizationID, a.ID, push.ID)
	if err != nil {
		return err
	}
	if err := h.revocation.ApplyPush(ctx, f, a.Name, push.Body, safetext.Fit(push.Error, maxRevocationPushError)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wire.RevocationPushResponse{Accepted: true})
}
