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

// passwordProblem says what is wrong with a new password, or "".
func passwordProblem(pw string) string {
	if n := utf8.RuneCountInString(pw); n < minPassword || n > maxPassword {
		return "must be 10 to 128 characters long"
	}
	return ""
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

func (h *handler) login(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if ok, wait := h.loginByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	pair := loginPair(c, email)
	if wait := h.loginBackoff.Wait(pair); wait > 0 {
		return rateLimited(wait)
	}
	if len(req.Password) > 4*maxPassword {
		return badRequest("password", "password is too long")
	}
	user, err := h.store.UserByEmail(c.Request().Context(), email)
	if errors.Is(err, store.ErrNotFound) {
		auth.BurnPasswordCheck(req.Password)
		h.loginBackoff.Fail(pair)
		return errBadLogin
	}
	if err != nil {
		return err
	}
	if err := auth.CheckPassword(user.PasswordHash, req.Password); err != nil {
		if !errors.Is(err, auth.ErrMismatch) {
			return err
		}
		if err := h.wrongPassword(c, user, pair, "auth.login_failed"); err != nil {
			return err
		}
		return errBadLogin
	}
	h.loginBackoff.Reset(pair)
	if user.TwoFactor() {
		return h.askSecondFactor(c, user)
	}
	return h.signIn(c, user)
}

var errBadLogin = &apiError{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "invalid email or password"}

// loginPair keys the progressive delay: failures slow down this source for
// this email only, so nobody can lock an owner out by failing on their
// email from elsewhere.
func loginPair(c echo.Context, email string) string {
	return c.RealIP() + "\x00" + email
}

// wrongPassword records a failed password check of an existing account:
// the source is slowed down for this email, and the user's organization
// sees the attempt in its audit log.
func (h *handler) wrongPassword(c echo.Context, user store.User, pair, action string) error {
	h.loginBackoff.Fail(pair)
	setActor(c, store.Actor{Type: store.ActorUser, ID: user.ID, Label: user.Email})
	ctx := c.Request().Context()
	m, err := h.store.PrimaryMembership(ctx, user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return h.store.Audit(ctx, m.OrganizationID, action, "user", user.ID, nil)
}

// signIn starts a session for a user whose password was checked, in the
// organization they belong to longest.
func (h *handler) signIn(c echo.Context, user store.User) error {
	ctx := c.Request().Context()
	m, err := h.store.PrimaryMembership(ctx, user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return &apiError{Status: http.StatusForbidden, Code: "no_organization", Message: "this account belongs to no organization any more; ask for an invitation"}
	}
	if err != nil {
		return err
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
	sess := store.Session{TokenHash: hash, UserID: user.ID, OrganizationID: o.ID, CreatedAt: now, ExpiresAt: now.Add(sessionLifetime),
		LastUsedAt: &now, IP: c.RealIP(), UserAgent: userAgent(c)}
	if err := h.store.CreateSession(c.Request().Context(), sess); err != nil {
		return err
	}
	return h.answerSession(c, status, secret, sessionResponse{
		User: userJSON{ID: user.ID, Email: user.Email}, Organization: orgJSON{ID: o.ID, Name: o.Name}, Role: role,
	})
}

// answerSession sets the session cookie and answers the session with its
// CSRF token.
func (h *handler) answerSession(c echo.Context, status int, secret string, resp sessionResponse) error {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: secret, Path: "/", Expires: h.store.Now().Add(sessionLifetime), MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode,
	})
	resp.CSRFToken = auth.CSRFToken(secret)
	return c.JSON(status, resp)
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
