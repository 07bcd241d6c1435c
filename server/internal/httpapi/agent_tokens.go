package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

type rotateTokenRequest struct {
	// Mode is graceful (the default) or revoke.
	Mode string `json:"mode"`
}

// rotateAgentToken: POST /agents/:id/token. A graceful rotation asks the
// connected agent, through its control channel, to fetch a next token; its
// current token works until it does, and the answer (202) carries no secret.
// A revoking rotation replaces the token at once and answers the new one,
// this once, to be put on the agent by hand.
func (h *handler) rotateAgentToken(c echo.Context) error {
	req := rotateTokenRequest{Mode: store.RotateGraceful}
	// No body at all asks for the default mode.
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	switch req.Mode {
	case store.RotateGraceful:
		a, err := h.store.RequestAgentTokenRotation(ctx, orgID, c.Param("id"))
		if err != nil {
			return err
		}
		if err := h.commands.Send(ctx, orgID, a.ID, wire.CommandRotateToken, wire.CommandArgs{}); err != nil {
			return err
		}
		return c.JSON(http.StatusAccepted, h.toAgentJSON(a))
	case store.RotateRevoke:
		secret, hash, display, err := auth.NewToken(auth.PrefixAgentToken)
		if err != nil {
			return err
		}
		a, err := h.store.ReplaceAgentToken(ctx, orgID, c.Param("id"), hash, display)
		if err != nil {
			return err
		}
		out := h.toAgentJSON(a)
		out.Token = secret
		return c.JSON(http.StatusOK, out)
	default:
		return invalid([]fieldError{{"mode", "must be graceful or revoke; got " + quote(req.Mode)}})
	}
}

// agentNextToken: POST /agent/token, the agent fetching its next token. The
// secret exists only in this answer; the store keeps its hash, and the
// agent's current token works until the new one is first used.
func (h *handler) agentNextToken(c echo.Context) error {
	a := agentOf(c).Agent
	secret, hash, display, err := auth.NewToken(auth.PrefixAgentToken)
	if err != nil {
		return err
	}
	if err := h.store.SetNextAgentToken(c.Request().Context(), a.OrganizationID, a.ID, hash, display); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wire.TokenResponse{Token: secret})
}
