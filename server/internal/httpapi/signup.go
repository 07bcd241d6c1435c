package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
)

type signupRequest struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	Organization string `json:"organization"`
}

// signup creates an account and its organization, and must not tell
// anyone whether an email already has an account. For a taken email:
//   - with the account's password, it is the owner: they are signed in to
//     their organization (200, as a login);
//   - with another password, the answer looks like a fresh sign-up (201,
//     same body and cookie) but signs no one in: the cookie opens nothing,
//     and the attempt is in the owner's audit log.
//
// Every path checks or hashes a password twice, so they take about as long.
// Without email verification a sign-up that works at once cannot be fully
// hidden: whoever tries to use the answer afterwards learns the truth.
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
	if problem := passwordProblem(req.Password); problem != "" {
		errs = append(errs, fieldError{"password", problem})
	}
	org := strings.TrimSpace(req.Organization)
	if n := utf8.RuneCountInString(org); n < 1 || n > 100 {
		errs = append(errs, fieldError{"organization", "must be 1 to 100 characters long"})
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	// A sign-up with a taken email is a password guess: it shares the
	// login's delay.
	pair := loginPair(c, email)
	if wait := h.loginBackoff.Wait(pair); wait > 0 {
		return rateLimited(wait)
	}
	existing, err := h.store.UserByEmail(c.Request().Context(), email)
	switch {
	case err == nil:
		return h.signupTaken(c, existing, req.Password, org, pair)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	auth.BurnPasswordCheck(req.Password)
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return err
	}
	setActor(c, store.Actor{Type: store.ActorSystem})
	user, o, err := h.store.CreateAccount(c.Request().Context(), email, hash, org)
	if errors.Is(err, store.ErrConflict) { // taken in the meantime
		return h.decoySession(c, email, org)
	}
	if err != nil {
		return err
	}
	return h.startSession(c, http.StatusCreated, user, o, store.RoleOwner)
}

func (h *handler) signupTaken(c echo.Context, user store.User, password, org, pair string) error {
	err := auth.CheckPassword(user.PasswordHash, password)
	auth.BurnPasswordCheck(password)
	if err == nil {
		h.loginBackoff.Reset(pair)
		return h.signIn(c, user)
	}
	if !errors.Is(err, auth.ErrMismatch) {
		return err
	}
	if err := h.wrongPassword(c, user, pair, "account.signup_taken"); err != nil {
		return err
	}
	return h.decoySession(c, user.Email, org)
}

// decoySession answers like a fresh sign-up without signing anyone in: its
// secret is stored nowhere, so the cookie is refused like an expired one.
func (h *handler) decoySession(c echo.Context, email, org string) error {
	secret, _, _, err := auth.NewToken(auth.PrefixSession)
	if err != nil {
		return err
	}
	return h.answerSession(c, http.StatusCreated, secret, sessionResponse{
		User: userJSON{ID: store.NewID(), Email: email}, Organization: orgJSON{ID: store.NewID(), Name: org}, Role: store.RoleOwner,
	})
}
