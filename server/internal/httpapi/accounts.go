package httpapi

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
)

const sessionLifetime = 30 * 24 * time.Hour

// Password length bounds: long enough to resist guessing, short enough that
// hashing a hostile input stays cheap.
const (
	minPassword = 10
	maxPassword = 128
)

type signupRequest struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	Organization string `json:"organization"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type userJSON struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

type orgJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type sessionResponse struct {
	User         userJSON `json:"user"`
	Organization orgJSON  `json:"organization"`
	Role         string   `json:"role"`
	CSRFToken    string   `json:"csrf_token"`
}

func (h *handler) signup(c echo.Context) error {
	if ok, wait := h.signupByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	var req signupRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var errs []fieldError
	email, err := normalizeEmail(req.Email)
	if err != nil {
		errs = append(errs, fieldError{"email", err.Error()})
	}
	if n := utf8.RuneCountInString(req.Password); n < minPassword || n > maxPassword {
		errs = append(errs, fieldError{"password", "must be 10 to 128 characters long"})
	}
	org := strings.TrimSpace(req.Organization)
	if n := utf8.RuneCountInString(org); n < 1 || n > 100 {
		errs = append(errs, fieldError{"organization", "must be 1 to 100 characters long"})
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return err
	}
	setActor(c, store.Actor{Type: store.ActorSystem})
	user, o, err := h.store.CreateAccount(c.Request().Context(), email, hash, org)
	if errors.Is(err, store.ErrConflict) {
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "an account with this email already exists", Field: "email"}
	}
	if err != nil {
		return err
	}
	return h.startSession(c, http.StatusCreated, user, o, store.RoleOwner)
}

func (h *handler) login(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if ok, wait := h.loginByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	// Failures slow down this source for this email only, so nobody can
	// lock an owner out by failing on their email from elsewhere.
	pair := c.RealIP() + "\x00" + email
	if wait := h.loginBackoff.Wait(pair); wait > 0 {
		return rateLimited(wait)
	}
	if len(req.Password) > 4*maxPassword {
		return badRequest("password", "password is too long")
	}
	ctx := c.Request().Context()
	badLogin := &apiError{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "invalid email or password"}
	user, err := h.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		auth.BurnPasswordCheck(req.Password)
		h.loginBackoff.Fail(pair)
		return badLogin
	}
	if err != nil {
		return err
	}
	m, err := h.store.PrimaryMembership(ctx, user.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	setActor(c, store.Actor{Type: store.ActorUser, ID: user.ID, Label: user.Email})
	ctx = c.Request().Context()
	if err := auth.CheckPassword(user.PasswordHash, req.Password); err != nil {
		if !errors.Is(err, auth.ErrMismatch) {
			return err
		}
		h.loginBackoff.Fail(pair)
		if m.OrganizationID != "" {
			if err := h.store.Audit(ctx, m.OrganizationID, "auth.login_failed", "user", user.ID, nil); err != nil {
				return err
			}
		}
		return badLogin
	}
	h.loginBackoff.Reset(pair)
	if m.OrganizationID == "" {
		return &apiError{Status: http.StatusForbidden, Code: "no_organization", Message: "this account belongs to no organization any more; ask for an invitation"}
	}
	o, err := h.store.Organization(ctx, m.OrganizationID)
	if err != nil {
		return err
	}
	return h.startSession(c, http.StatusOK, user, o, m.Role)
}

func (h *handler) startSession(c echo.Context, status int, user store.User, o store.Organization, role string) error {
	secret, hash, _, err := auth.NewToken(auth.PrefixSession)
	if err != nil {
		return err
	}
	setActor(c, store.Actor{Type: store.ActorUser, ID: user.ID, Label: user.Email})
	now := h.store.Now()
	sess := store.Session{TokenHash: hash, UserID: user.ID, OrganizationID: o.ID, CreatedAt: now, ExpiresAt: now.Add(sessionLifetime)}
	if err := h.store.CreateSession(c.Request().Context(), sess); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", Expires: sess.ExpiresAt, MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode,
	})
	return c.JSON(status, sessionResponse{
		User: userJSON{ID: user.ID, Email: user.Email}, Organization: orgJSON{ID: o.ID, Name: o.Name},
		Role: role, CSRFToken: auth.CSRFToken(secret),
	})
}

// logout ends the live session, if any; without one it only clears the
// cookie, so a stale cookie never keeps anyone from logging out.
func (h *handler) logout(c echo.Context) error {
	info, secret, err := h.cookieSession(c)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		setActor(c, store.Actor{Type: store.ActorUser, ID: info.User.ID, Label: info.User.Email})
		if err := h.store.DeleteSession(c.Request().Context(), auth.HashToken(secret)); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode})
	return c.NoContent(http.StatusNoContent)
}

type meResponse struct {
	User         *userJSON `json:"user"`
	Organization orgJSON   `json:"organization"`
	Role         string    `json:"role,omitempty"`
	TokenScope   string    `json:"token_scope,omitempty"`
	CSRFToken    string    `json:"csrf_token,omitempty"`
}

func (h *handler) me(c echo.Context) error {
	p := principalOf(c)
	o, err := h.store.Organization(c.Request().Context(), p.OrgID)
	if err != nil {
		return err
	}
	resp := meResponse{Organization: orgJSON{ID: o.ID, Name: o.Name}, Role: p.Role, TokenScope: p.Scope}
	if p.isSession() {
		resp.User = &userJSON{ID: p.UserID, Email: p.UserEmail}
		resp.CSRFToken = auth.CSRFToken(p.sessionSecret)
	}
	return c.JSON(http.StatusOK, resp)
}

func normalizeEmail(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("is required")
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", errors.New("is not a valid email address")
	}
	return strings.ToLower(s), nil
}

func rateLimited(wait time.Duration) error {
	return &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many attempts, try again later", RetryAfter: wait}
}
