package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
)

type invitationPreviewJSON struct {
	Email        string    `json:"email"`
	Role         string    `json:"role"`
	Organization string    `json:"organization"`
	InvitedBy    string    `json:"invited_by,omitempty"`
	ExpiresAt    time.Time `json:"expires_at"`
}

var errInvitationGone = &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "this invitation link is unknown, used, revoked or expired"}

// previewInvitation tells the holder of an invitation link what it is for
// before they accept it. The token travels in the body, not in a URL that
// proxies log.
func (h *handler) previewInvitation(c echo.Context) error {
	var req struct {
		Token string `json:"token"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if ok, wait := h.signupByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	p, err := h.store.InvitationByToken(c.Request().Context(), auth.HashToken(strings.TrimSpace(req.Token)))
	if errors.Is(err, store.ErrNotFound) {
		return errInvitationGone
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, invitationPreviewJSON{Email: p.Email, Role: p.Role, Organization: p.OrganizationName,
		InvitedBy: p.InviterEmail, ExpiresAt: p.ExpiresAt})
}
