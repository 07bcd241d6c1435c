package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
)

// The caller's own account: password, sessions and (two_factor.go) the
// second factor. Every route takes a session: a script's token has no
// account.

var errWrongPassword = &apiError{Status: http.StatusBadRequest, Code: "wrong_password", Field: "current_password",
	Message: "the current password is wrong"}

// currentUser loads the session's user afresh (the principal carries no
// password hash or second factor).
func (h *handler) currentUser(c echo.Context) (store.User, error) {
	return h.store.UserByID(c.Request().Context(), principalOf(c).UserID)
}

// currentUserWithPassword loads the session's user once their password is
// confirmed; wrong passwords are slowed down like logins.
func (h *handler) currentUserWithPassword(c echo.Context, password string) (store.User, error) {
	user, err := h.currentUser(c)
	if err != nil {
		return store.User{}, err
	}
	pair := loginPair(c, user.Email)
	if wait := h.loginBackoff.Wait(pair); wait > 0 {
		return store.User{}, rateLimited(wait)
	}
	if len(password) > 4*maxPassword {
		return store.User{}, errWrongPassword
	}
	if err := auth.CheckPassword(user.PasswordHash, password); err != nil {
		if !errors.Is(err, auth.ErrMismatch) {
			return store.User{}, err
		}
		if err := h.wrongPassword(c, user, pair, "auth.password_check_failed"); err != nil {
			return store.User{}, err
		}
		return store.User{}, errWrongPassword
	}
	return user, nil
}

// changePassword sets a new password; every other session of the user
// ends, this one stays.
func (h *handler) changePassword(c echo.Context) error {
	var req struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if problem := passwordProblem(req.NewPassword); problem != "" {
		return invalid([]fieldError{{"new_password", problem}})
	}
	user, err := h.currentUserWithPassword(c, req.CurrentPassword)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(req.NewPassword)
	if err != nil {
		return err
	}
	p := principalOf(c)
	if err := h.store.ChangePassword(c.Request().Context(), p.OrgID, user.ID, hash, auth.HashToken(p.sessionSecret)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type sessionJSON struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	UserAgent  string     `json:"user_agent"`
	IP         string     `json:"ip"`
	Current    bool       `json:"current"`
}

func (h *handler) listSessions(c echo.Context) error {
	p := principalOf(c)
	list, err := h.store.ListSessions(c.Request().Context(), p.UserID)
	if err != nil {
		return err
	}
	current := auth.HashToken(p.sessionSecret)
	items := mapItems(list, func(s store.Session) sessionJSON {
		return sessionJSON{ID: s.ID, CreatedAt: s.CreatedAt, LastUsedAt: s.LastUsedAt, ExpiresAt: s.ExpiresAt,
			UserAgent: s.UserAgent, IP: s.IP, Current: s.TokenHash == current}
	})
	return c.JSON(http.StatusOK, wholeList(items))
}

// endSession signs out one of the caller's sessions; another user's is 404.
func (h *handler) endSession(c echo.Context) error {
	p := principalOf(c)
	if err := h.store.EndSession(c.Request().Context(), p.OrgID, p.UserID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// endOtherSessions signs out everywhere but here.
func (h *handler) endOtherSessions(c echo.Context) error {
	p := principalOf(c)
	n, err := h.store.EndOtherSessions(c.Request().Context(), p.OrgID, p.UserID, auth.HashToken(p.sessionSecret))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int64{"ended": n})
}

// maxUserAgent bounds the browser name kept with a session.
const maxUserAgent = 256

func userAgent(c echo.Context) string {
	return safetext.Fit(c.Request().UserAgent(), maxUserAgent)
}
