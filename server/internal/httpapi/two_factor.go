package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
)

// A login with a second factor: the password answers a challenge token
// (no session, no cookie), which alone lets its holder present a code, a
// few times, for a few minutes.
const (
	challengeLifetime = 5 * time.Minute
	challengeAttempts = 5
	totpIssuer        = "Certinel"
)

// errBadCode refuses a code in the account's settings, where the caller is
// signed in already; errBadLoginCode refuses it at sign-in.
var (
	errBadCode = &apiError{Status: http.StatusBadRequest, Code: "invalid_code", Field: "code",
		Message: "the code is wrong, expired or was used already"}
	errBadLoginCode = &apiError{Status: http.StatusUnauthorized, Code: errBadCode.Code, Field: errBadCode.Field, Message: errBadCode.Message}
)

type challengeResponse struct {
	TwoFactorRequired bool      `json:"two_factor_required"`
	Challenge         string    `json:"challenge"`
	ExpiresAt         time.Time `json:"expires_at"`
}

func (h *handler) askSecondFactor(c echo.Context, user store.User) error {
	secret, hash, _, err := auth.NewToken(auth.PrefixChallenge)
	if err != nil {
		return err
	}
	if err := h.store.CreateLoginChallenge(c.Request().Context(), user.ID, hash, challengeLifetime); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, challengeResponse{TwoFactorRequired: true, Challenge: secret, ExpiresAt: h.store.Now().Add(challengeLifetime)})
}

// loginSecondFactor completes a login with a TOTP or recovery code.
func (h *handler) loginSecondFactor(c echo.Context) error {
	var req struct {
		Challenge string `json:"challenge"`
		Code      string `json:"code"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if ok, wait := h.loginByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	ctx := c.Request().Context()
	hash := auth.HashToken(req.Challenge)
	user, err := h.store.TakeLoginAttempt(ctx, hash, challengeAttempts)
	if errors.Is(err, store.ErrNotFound) {
		return &apiError{Status: http.StatusUnauthorized, Code: "challenge_expired", Field: "challenge",
			Message: "this sign-in expired or had too many wrong codes: enter your password again"}
	}
	if err != nil {
		return err
	}
	pair := loginPair(c, user.Email)
	if wait := h.loginBackoff.Wait(pair); wait > 0 {
		return rateLimited(wait)
	}
	if err := h.checkSecondFactor(c, user, req.Code); err != nil {
		if !errors.Is(err, errBadCode) {
			return err
		}
		if err := h.wrongPassword(c, user, pair, "auth.two_factor_failed"); err != nil {
			return err
		}
		return errBadLoginCode
	}
	h.loginBackoff.Reset(pair)
	if err := h.store.EndLoginChallenge(ctx, hash); err != nil {
		return err
	}
	return h.signIn(c, user)
}

// checkSecondFactor accepts a current TOTP code not used before, or an
// unused recovery code; anything else is errBadCode.
func (h *handler) checkSecondFactor(c echo.Context, user store.User, code string) error {
	ctx := c.Request().Context()
	if auth.LooksLikeRecoveryCode(code) {
		err := h.store.UseRecoveryCode(ctx, user.ID, auth.HashRecoveryCode(code))
		if errors.Is(err, store.ErrNotFound) {
			return errBadCode
		}
		return err
	}
	return h.useTOTP(c, user, code)
}

// useTOTP accepts a TOTP code of the user's stored secret once.
func (h *handler) useTOTP(c echo.Context, user store.User, code string) error {
	secret, err := h.store.TOTPSecret(user)
	if errors.Is(err, store.ErrNotFound) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	step, ok := auth.MatchTOTP(secret, code, h.store.Now())
	if !ok {
		return errBadCode
	}
	err = h.store.UseTOTPStep(c.Request().Context(), user.ID, step)
	if errors.Is(err, store.ErrConflict) {
		return errBadCode
	}
	return err
}

type twoFactorJSON struct {
	Enabled           bool  `json:"enabled"`
	RecoveryCodesLeft int64 `json:"recovery_codes_left"`
	EnrollmentPending bool  `json:"enrollment_pending"`
}

func (h *handler) getTwoFactor(c echo.Context) error {
	user, err := h.currentUser(c)
	if err != nil {
		return err
	}
	out := twoFactorJSON{Enabled: user.TwoFactor(), EnrollmentPending: !user.TwoFactor() && user.TOTPSecret != ""}
	if out.Enabled {
		if out.RecoveryCodesLeft, err = h.store.RecoveryCodesLeft(c.Request().Context(), user.ID); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}

// setupTwoFactor starts an enrollment: a new secret, to be confirmed by a
// code before it counts. The password is asked so that a session left
// open cannot tie the account to someone else's phone.
func (h *handler) setupTwoFactor(c echo.Context) error {
	var req struct {
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	user, err := h.currentUserWithPassword(c, req.Password)
	if err != nil {
		return err
	}
	if user.TwoFactor() {
		return conflict("two-factor authentication is on already: turn it off first to enroll another device")
	}
	enr, err := auth.NewTOTP(totpIssuer, user.Email)
	if err != nil {
		return err
	}
	if err := h.store.SetTOTPSecret(c.Request().Context(), user.ID, enr.Secret); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"secret": enr.Secret, "otpauth_uri": enr.URI, "qr_code": enr.QRPNG})
}

// enableTwoFactor confirms an enrollment with a code from the app and
// answers the recovery codes, shown this once.
func (h *handler) enableTwoFactor(c echo.Context) error {
	var req struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	user, err := h.currentUser(c)
	if err != nil {
		return err
	}
	if user.TwoFactor() {
		return conflict("two-factor authentication is on already")
	}
	secret, err := h.store.TOTPSecret(user)
	if errors.Is(err, store.ErrNotFound) {
		return conflict("start the enrollment first")
	}
	if err != nil {
		return err
	}
	step, ok := auth.MatchTOTP(secret, req.Code, h.store.Now())
	if !ok {
		return errBadCode
	}
	codes, hashes, err := auth.NewRecoveryCodes()
	if err != nil {
		return err
	}
	p := principalOf(c)
	err = h.store.EnableTOTP(c.Request().Context(), p.OrgID, user.ID, step, hashes)
	if errors.Is(err, store.ErrNotFound) {
		return errBadCode // enabled meanwhile, or this code's step was spent
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string][]string{"recovery_codes": codes})
}

// disableTwoFactor needs the password and a code (or a recovery code).
func (h *handler) disableTwoFactor(c echo.Context) error {
	var req struct {
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	user, err := h.currentUserWithPassword(c, req.Password)
	if err != nil {
		return err
	}
	if !user.TwoFactor() {
		return conflict("two-factor authentication is off already")
	}
	if err := h.checkSecondFactor(c, user, req.Code); err != nil {
		if errors.Is(err, errBadCode) {
			h.loginBackoff.Fail(loginPair(c, user.Email))
		}
		return err
	}
	if err := h.store.DisableTOTP(c.Request().Context(), principalOf(c).OrgID, user.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
