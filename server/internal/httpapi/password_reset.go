package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// A forgotten password is reset through a link mailed to the account's
// address: single use, for an hour, and ending every session of the user.
const (
	resetLifetime = time.Hour
	// resetSendTimeout bounds the lookup and mail done after the request
	// was answered.
	resetSendTimeout = 30 * time.Second
)

var errResetUnavailable = &apiError{Status: http.StatusServiceUnavailable, Code: "email_unavailable",
	Message: "this server cannot send email, so passwords cannot be reset by email: ask an owner of your organization or the operator"}

// passwordResetAvailable tells the dashboard whether to offer the reset.
func (h *handler) passwordResetAvailable(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]bool{"available": h.mailer != nil})
}

// requestPasswordReset answers 202 whether or not the email has an
// account, so it tells nobody which addresses do; the account is looked up
// and the mail sent after the answer, so neither does the time taken.
func (h *handler) requestPasswordReset(c echo.Context) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if h.mailer == nil {
		return errResetUnavailable
	}
	email, err := normalizeEmail(req.Email)
	if err != nil {
		return invalid([]fieldError{{"email", err.Error()}})
	}
	if ok, wait := h.loginByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	// Per address too, whoever asks, so nobody floods a mailbox.
	if ok, wait := h.resetByEmail.Allow(email); !ok {
		return rateLimited(wait)
	}
	go h.mailPasswordReset(store.Actor{Type: store.ActorSystem, IP: c.RealIP()}, email)
	return c.JSON(http.StatusAccepted, map[string]string{"status": "if this address has an account, a reset link is on its way"})
}

// mailPasswordReset sends a reset link to email if it has an account.
// Failures are logged, never with the link.
func (h *handler) mailPasswordReset(asker store.Actor, email string) {
	ctx, cancel := context.WithTimeout(store.WithActor(context.Background(), asker), resetSendTimeout)
	defer cancel()
	user, err := h.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return
	}
	if err == nil {
		err = h.sendPasswordReset(ctx, user)
	}
	if err != nil {
		h.log.Warn("password reset email not sent", "err", err)
	}
}

func (h *handler) sendPasswordReset(ctx context.Context, user store.User) error {
	secret, hash, _, err := auth.NewToken(auth.PrefixReset)
	if err != nil {
		return err
	}
	if err := h.store.CreatePasswordReset(ctx, user.ID, hash, resetLifetime); err != nil {
		return err
	}
	link := h.baseURL + "/reset-password/" + secret
	cfg, _ := json.Marshal(map[string][]string{"recipients": {user.Email}})
	ev := notify.Event{ID: store.NewID(), Type: notify.TypePasswordReset,
		Detail: "Someone, hopefully you, asked to reset the password of your Certinel account " + user.Email +
			". Choose a new password within one hour at: " + link + " . If it was not you, ignore this message: your password stays as it is.",
		OccurredAt: h.store.Now()}
	err = h.mailer.Send(ctx, notify.Channel{ID: "password-reset", Name: "Password reset", Type: store.ChannelEmail, Config: cfg},
		notify.Message{Events: []notify.Event{ev}})
	if err != nil {
		return fmt.Errorf("mail reset link to user %s: %w", user.ID, err)
	}
	return nil
}

// resetPassword spends a reset link on a new password. Every session of the
// user ends; they log in again, with their second factor if they have one.
func (h *handler) resetPassword(c echo.Context) error {
	var req struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if ok, wait := h.loginByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	if problem := passwordProblem(req.Password); problem != "" {
		return invalid([]fieldError{{"password", problem}})
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return err
	}
	_, err = h.store.ResetPassword(c.Request().Context(), auth.HashToken(strings.TrimSpace(req.Token)), hash)
	if errors.Is(err, store.ErrNotFound) {
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Field: "token",
			Message: "this reset link is unknown, used or expired: ask for a new one"}
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
