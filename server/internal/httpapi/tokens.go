package httpapi

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
)

type createTokenRequest struct {
	Name      string     `json:"name"`
	Scope     string     `json:"scope"`
	ExpiresAt *time.Time `json:"expires_at"`
}

type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Scope      string     `json:"scope"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Token is the secret, present only in the creation answer.
	Token string `json:"token,omitempty"`
}

func toTokenJSON(t store.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Scope: t.Scope, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (h *handler) createToken(c echo.Context) error {
	var req createTokenRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var errs []fieldError
	name := strings.TrimSpace(req.Name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
	}
	switch req.Scope {
	case store.ScopeRead, store.ScopeWrite, store.ScopeAgent:
	default:
		errs = append(errs, fieldError{"scope", "must be one of read, write, agent; got " + quote(req.Scope)})
	}
	if req.ExpiresAt != nil && !req.ExpiresAt.After(h.store.Now()) {
		errs = append(errs, fieldError{"expires_at", "must be in the future"})
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	secret, hash, display, err := auth.NewToken(auth.PrefixAPIToken)
	if err != nil {
		return err
	}
	p := principalOf(c)
	t := store.APIToken{Name: name, Scope: req.Scope, Prefix: display, TokenHash: hash, CreatedBy: &p.UserID}
	if req.ExpiresAt != nil {
		exp := req.ExpiresAt.UTC()
		t.ExpiresAt = &exp
	}
	t, err = h.store.CreateAPIToken(c.Request().Context(), p.OrgID, t)
	if err != nil {
		return err
	}
	out := toTokenJSON(t)
	out.Token = secret
	return c.JSON(http.StatusCreated, out)
}

func (h *handler) listTokens(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	items, total, err := h.store.ListAPITokens(c.Request().Context(), principalOf(c).OrgID, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(mapItems(items, toTokenJSON), total, page))
}

func (h *handler) revokeToken(c echo.Context) error {
	if err := h.store.RevokeAPIToken(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
