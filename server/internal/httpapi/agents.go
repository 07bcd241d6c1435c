package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Agent statuses.
const (
	agentOnline  = "online"
	agentOffline = "offline"
	agentNever   = "never"
)

type agentRequest struct {
	Name string `json:"name"`
	// CreateAPIKey also creates the API token (scope agent, named after the
	// agent) that the agent authenticates with, in the same step.
	CreateAPIKey bool `json:"create_api_key"`
}

type agentJSON struct {
	ID              string     `json:"id"`
	Name            string     `json:"name"`
	Status          string     `json:"status"`
	LastSeenAt      *time.Time `json:"last_seen_at"`
	Version         string     `json:"version"`
	IntervalSeconds int        `json:"interval_seconds"`
	Targets         int        `json:"targets"`
	Prefix          string     `json:"prefix"`
	// ParkedBatches counts the result batches the agent set aside because
	// the server kept failing on them; ParkedOldestAt is when the oldest of
	// them was written.
	ParkedBatches  int        `json:"parked_batches"`
	ParkedOldestAt *time.Time `json:"parked_oldest_at"`
	CreatedAt      time.Time  `json:"created_at"`
	// Channel is the state of the agent's control channel; Platform,
	// SpoolBatches and LastCycle are what it reported on its latest poll.
	Channel      controlChannelJSON `json:"channel"`
	Platform     string             `json:"platform"`
	SpoolBatches int                `json:"spool_batches"`
	LastCycle    *json.RawMessage   `json:"last_cycle"`
	// TokenRotationRequestedAt is set while a graceful token rotation waits
	// for the agent; TokenRotatedAt is when its token last changed.
	TokenRotationRequestedAt *time.Time `json:"token_rotation_requested_at"`
	TokenRotatedAt           *time.Time `json:"token_rotated_at"`
	// The agent's current client certificate (mutual TLS): its serial (hex,
	// empty when it has none or it was revoked), expiry, and when it was
	// last issued (enrollment or renewal).
	CertificateSerial    string     `json:"certificate_serial"`
	CertificateNotAfter  *time.Time `json:"certificate_not_after"`
	CertificateRotatedAt *time.Time `json:"certificate_rotated_at"`
	// Token is the agent token, present only in the creation answer and
	// that of a revoking rotation.
	Token string `json:"token,omitempty"`
	// APIKey is the API token created with the agent (create_api_key),
	// present only in the creation answer.
	APIKey *tokenJSON `json:"api_key,omitempty"`
}

// agentStatus: an agent is online while it checked in within twice its
// interval, so one late run (jitter, a slow network) does not flap it.
func agentStatus(a store.Agent, now time.Time) string {
	if a.LastSeenAt == nil {
		return agentNever
	}
	if now.Sub(*a.LastSeenAt) <= 2*time.Duration(a.IntervalSeconds)*time.Second {
		return agentOnline
	}
	return agentOffline
}

// controlChannelJSON: connected while the agent polled within store.ChannelGap;
// since is when the current (or last) connection began, last_heartbeat its
// latest poll.
type controlChannelJSON struct {
	Connected     bool       `json:"connected"`
	Since         *time.Time `json:"since"`
	LastHeartbeat *time.Time `json:"last_heartbeat"`
}

// channelConnected: the agent polled its control channel within the gap
// between two polls of one connection.
func channelConnected(a store.Agent, now time.Time) bool {
	return a.ChannelSeenAt != nil && now.Sub(*a.ChannelSeenAt) <= store.ChannelGap
}

func (h *handler) toAgentJSON(a store.Agent) agentJSON {
	now := h.store.Now()
	out := agentJSON{ID: a.ID, Name: a.Name, Status: agentStatus(a, now), LastSeenAt: a.LastSeenAt,
		Version: a.Version, IntervalSeconds: a.IntervalSeconds, Targets: a.Targets, Prefix: a.Prefix,
		ParkedBatches: a.ParkedBatches, ParkedOldestAt: a.ParkedOldestAt, CreatedAt: a.CreatedAt,
		Channel: controlChannelJSON{Since: a.ChannelSince, LastHeartbeat: a.ChannelSeenAt,
			Connected: channelConnected(a, now)},
		Platform: a.Platform, SpoolBatches: a.SpoolBatches,
		TokenRotationRequestedAt: a.TokenRotationRequestedAt, TokenRotatedAt: a.TokenRotatedAt,
		CertificateSerial: a.CertSerial, CertificateNotAfter: a.CertNotAfter, CertificateRotatedAt: a.CertRotatedAt}
	if a.LastCycle != "" {
		raw := json.RawMessage(a.LastCycle)
		out.LastCycle = &raw
	}
	return out
}

func agentName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		return "", invalid([]fieldError{{"name", "must be 1 to 100 characters long"}})
	}
	return name, nil
}

func (h *handler) createAgent(c echo.Context) error {
	var req agentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	name, err := agentName(req.Name)
	if err != nil {
		return err
	}
	p := principalOf(c)
	// Tokens are made from the dashboard only (POST /tokens needs a
	// session); a script's token does not mint others through this door.
	if req.CreateAPIKey && !p.isSession() {
		return errForbidden
	}
	secret, hash, display, err := auth.NewToken(auth.PrefixAgentToken)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	agent := store.Agent{Name: name, Prefix: display, TokenHash: hash}
	if !req.CreateAPIKey {
		a, err := h.store.CreateAgent(ctx, p.OrgID, agent)
		if err != nil {
			return err
		}
		out := h.toAgentJSON(a)
		out.Token = secret
		return c.JSON(http.StatusCreated, out)
	}
	keySecret, keyHash, keyDisplay, err := auth.NewToken(auth.PrefixAPIToken)
	if err != nil {
		return err
	}
	a, t, err := h.store.CreateAgentWithAPIToken(ctx, p.OrgID, agent,
		store.APIToken{Name: name, Scope: store.ScopeAgent, Prefix: keyDisplay, TokenHash: keyHash, CreatedBy: &p.UserID})
	if err != nil {
		return err
	}
	out := h.toAgentJSON(a)
	out.Token = secret
	key := toTokenJSON(t)
	key.Token = keySecret
	out.APIKey = &key
	return c.JSON(http.StatusCreated, out)
}

func (h *handler) listAgents(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := h.store.ListAgents(c.Request().Context(), principalOf(c).OrgID, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(mapItems(items, h.toAgentJSON), total, page))
}

func (h *handler) getAgent(c echo.Context) error {
	a, err := h.store.GetAgent(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toAgentJSON(a))
}

// agentPatch changes an agent's name or how often it runs its full cycle.
type agentPatch struct {
	Name            *string `json:"name"`
	IntervalSeconds *int    `json:"interval_seconds"`
}

// Bounds of an agent's interval: a fleet polling every few minutes would
// load the server for nothing now that changes reach agents at once.
const (
	minAgentInterval = 5 * 60
	maxAgentInterval = 7 * 24 * 3600
)

func (h *handler) updateAgent(c echo.Context) error {
	var req agentPatch
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var ch store.AgentChange
	if req.Name != nil {
		name, err := agentName(*req.Name)
		if err != nil {
			return err
		}
		ch.Name = &name
	}
	if iv := req.IntervalSeconds; iv != nil {
		if *iv < minAgentInterval || *iv > maxAgentInterval {
			return invalid([]fieldError{{"interval_seconds", "must be 300 to 604800 seconds"}})
		}
		ch.IntervalSeconds = iv
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	a, err := h.store.UpdateAgent(ctx, orgID, c.Param("id"), ch)
	if err != nil {
		return err
	}
	if ch.IntervalSeconds != nil {
		if err := h.commands.Send(ctx, orgID, a.ID, wire.CommandSettings, wire.CommandArgs{IntervalSeconds: a.IntervalSeconds}); err != nil {
			h.log.Warn("could not tell the agent its settings changed", "agent", a.ID, "err", err)
		}
	}
	return c.JSON(http.StatusOK, h.toAgentJSON(a))
}

func (h *handler) deleteAgent(c echo.Context) error {
	if err := h.store.DeleteAgent(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
