package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

const (
	// defaultChannels bounds the control channels held when main sets no
	// bound (tests).
	defaultChannels = 1000
	// serverChecksNow bounds the "check now" runs of server-checked
	// domains in flight on one replica; more wait their turn.
	serverChecksNow = 4
	// serverCheckTimeout bounds one such run.
	serverCheckTimeout = 2 * time.Minute
	// maxCheckWait caps ?wait= on GET /check-requests/:id.
	maxCheckWait = 30 * time.Second
)

type checkDomainsRequest struct {
	IDs []string `json:"ids"`
}

// checkRequestJSON answers a "check now": done once every domain got a
// result stored after the request (completed_at).
type checkRequestJSON struct {
	ID        string                   `json:"id"`
	CreatedAt time.Time                `json:"created_at"`
	Done      bool                     `json:"done"`
	Domains   []checkRequestDomainJSON `json:"domains"`
}

type checkRequestDomainJSON struct {
	DomainID    string     `json:"domain_id"`
	CompletedAt *time.Time `json:"completed_at"`
	Status      string     `json:"status,omitempty"`
	CheckedAt   *time.Time `json:"checked_at"`
}

func toCheckRequestJSON(r store.CheckRequest) checkRequestJSON {
	out := checkRequestJSON{ID: r.ID, CreatedAt: r.CreatedAt, Done: r.Done(), Domains: make([]checkRequestDomainJSON, len(r.Domains))}
	for i, d := range r.Domains {
		out.Domains[i] = checkRequestDomainJSON{DomainID: d.DomainID, CompletedAt: d.CompletedAt, Status: d.Status, CheckedAt: d.CheckedAt}
	}
	return out
}

// checkDomain is POST /domains/:id/check.
func (h *handler) checkDomain(c echo.Context) error {
	return h.checkNow(c, []string{c.Param("id")})
}

// checkDomains is POST /domains/check {ids}.
func (h *handler) checkDomains(c echo.Context) error {
	var req checkDomainsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch {
	case len(req.IDs) == 0:
		return badRequest("ids", "ids: give at least one domain ID")
	case len(req.IDs) > store.MaxCheckDomains:
		return badRequest("ids", "ids: at most %d per call", store.MaxCheckDomains)
	}
	return h.checkNow(c, req.IDs)
}

// checkNow records a check request and dispatches it. It answers 202 with the request, which GET /check-requests/:id
// follows.
func (h *handler) checkNow(c echo.Context, ids []string) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	req, domains, err := h.store.CreateCheckRequest(ctx, orgID, ids)
	if err != nil {
		return err
	}
	if err := h.dispatch(ctx, orgID, wire.CommandCheck, domains); err != nil {
		return err
	}
	return h.respondCheckRequest(c, http.StatusAccepted, req.ID)
}

// checkOnServer checks server-checked domains in the background, so the
// answer does not wait for handshakes.
func (h *handler) checkOnServer(ctx context.Context, domains []store.Domain) {
	if len(domains) == 0 || h.checker == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), serverCheckTimeout)
	go func() {
		defer cancel()
		select {
		case h.checksNow <- struct{}{}:
			defer func() { <-h.checksNow }()
		case <-ctx.Done():
			return
		}
		if err := h.checker.Check(ctx, domains); err != nil {
			h.log.Error("check now on the server failed", "domains", len(domains), "err", err)
		}
	}()
}

// getCheckRequest is GET /check-requests/:id; with ?wait=seconds it waits
// up to that long (at most 30 s) for the request to be done.
func (h *handler) getCheckRequest(c echo.Context) error {
	var wait time.Duration
	if raw := c.QueryParam("wait"); raw != "" {
		secs, err := strconv.Atoi(raw)
		if err != nil || secs < 0 {
			return badRequest("wait", "wait must be a number of seconds")
		}
		wait = min(time.Duration(secs)*time.Second, maxCheckWait)
	}
	ctx := c.Request().Context()
	deadline := time.Now().Add(wait)
	for {
		out, err := h.checkRequest(c, c.Param("id"))
		if err != nil {
			return err
		}
		if out.Done || !time.Now().Before(deadline) {
			return c.JSON(http.StatusOK, out)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (h *handler) respondCheckRequest(c echo.Context, status int, id string) error {
	out, err := h.checkRequest(c, id)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

func (h *handler) checkRequest(c echo.Context, id string) (checkRequestJSON, error) {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return checkRequestJSON{}, err
	}
	r, err := h.store.GetCheckRequest(ctx, orgID, id, org.ExpiringThresholdDays)
	if err != nil {
		return checkRequestJSON{}, err
	}
	return toCheckRequestJSON(r), nil
}

// targetsChanged has new or changed domains checked now; a failure only
// costs the wait for the agent's schedule. Only agents whose channel is
// open are told: one that is not connected checks every target when it
// starts, and a command waiting for it would only check them again.
func (h *handler) targetsChanged(ctx context.Context, orgID string, ds []store.Domain) {
	if err := h.dispatch(ctx, orgID, wire.CommandTargetsChanged, ds); err != nil {
		h.log.Warn("could not tell an agent its targets changed", "err", err)
	}
}

// dispatch has domains checked now: a command of the given kind to each
// agent concerned, and a background check on the server for the others.
func (h *handler) dispatch(ctx context.Context, orgID, kind string, ds []store.Domain) error {
	byAgent := map[string][]string{}
	var own []store.Domain
	for _, d := range ds {
		if d.AgentID == nil {
			own = append(own, d)
			continue
		}
		byAgent[*d.AgentID] = append(byAgent[*d.AgentID], d.ID)
	}
	var errs []error
	for agentID, ids := range byAgent {
		if kind == wire.CommandTargetsChanged && !h.channelOpen(ctx, orgID, agentID) {
			continue
		}
		errs = append(errs, h.commands.Send(ctx, orgID, agentID, kind, wire.CommandArgs{TargetIDs: ids}))
	}
	h.checkOnServer(ctx, own)
	return errors.Join(errs...)
}

// channelOpen tells whether the agent polled its channel lately.
func (h *handler) channelOpen(ctx context.Context, orgID, agentID string) bool {
	a, err := h.store.GetAgent(ctx, orgID, agentID)
	return err == nil && channelConnected(a, h.store.Now())
}
