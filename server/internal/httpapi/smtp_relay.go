package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/store"
)

// smtpRelayJSON is an organization's own SMTP relay as the API shows it: the password
// never leaves the server, has_password says whether one is stored. server_relay says
// whether the server has a relay of its own to fall back on.
type smtpRelayJSON struct {
	Configured  bool       `json:"configured"`
	Host        string     `json:"host"`
	Port        int        `json:"port"`
	TLS         string     `json:"tls"`
	Username    string     `json:"username"`
	HasPassword bool       `json:"has_password"`
	From        string     `json:"from"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
	ServerRelay bool       `json:"server_relay"`
}

// smtpRelayRequest sets the relay. An empty or absent password keeps the stored one;
// clear_password removes it.
type smtpRelayRequest struct {
	Host          string `json:"host"`
	Port          int    `json:"port"`
	TLS           string `json:"tls"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	ClearPassword bool   `json:"clear_password"`
	From          string `json:"from"`
}

// Credential bounds: longer values are no real relay's and would only fill the row.
const (
	maxSMTPUsername = 256
	maxSMTPPassword = 1024
)

func (h *handler) toSMTPRelayJSON(r *store.SMTPRelay) smtpRelayJSON {
	out := smtpRelayJSON{ServerRelay: h.serverRelay()}
	if r != nil {
		updated := r.UpdatedAt
		out = smtpRelayJSON{Configured: true, Host: r.Host, Port: r.Port, TLS: r.TLS, Username: r.Username,
			HasPassword: r.Password != "", From: r.From, UpdatedAt: &updated, ServerRelay: out.ServerRelay}
	}
	return out
}

// emailProvider is the registry's email provider, nil on a server without one.
func (h *handler) emailProvider() *email.Provider {
	p, _ := h.channels.Provider(email.Type)
	e, _ := p.(*email.Provider)
	return e
}

func (h *handler) serverRelay() bool {
	p := h.emailProvider()
	return p != nil && p.Available()
}

func (h *handler) getSMTPRelay(c echo.Context) error {
	r, err := h.store.SMTPRelay(c.Request().Context(), principalOf(c).OrgID)
	if errors.Is(err, store.ErrNotFound) {
		return c.JSON(http.StatusOK, h.toSMTPRelayJSON(nil))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toSMTPRelayJSON(&r))
}

func (h *handler) putSMTPRelay(c echo.Context) error {
	var req smtpRelayRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	old, err := h.store.SMTPRelay(ctx, orgID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	r := store.SMTPRelay{Host: strings.TrimSpace(req.Host), Port: req.Port, TLS: req.TLS,
		Username: strings.TrimSpace(req.Username), Password: req.Password, From: strings.TrimSpace(req.From)}
	if errs := checkSMTPRelay(r, req); len(errs) > 0 {
		return invalid(errs)
	}
	if r.Password == "" && !req.ClearPassword {
		// A stored password goes only where it was given for: whoever moves
		// the relay elsewhere types it again, so a hijacked session cannot
		// send it to a server of its choosing.
		if old.Password != "" && (!strings.EqualFold(old.Host, r.Host) || old.Port != r.Port) {
			return invalid([]fieldError{{"password", "enter the password again: the relay's host or port changed"}})
		}
		r.Password = old.Password
	}
	if r, err = h.store.SaveSMTPRelay(ctx, orgID, r); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.toSMTPRelayJSON(&r))
}

// checkSMTPRelay applies the rules of every relay (email.Config.Validate) and the
// bounds of stored credentials.
func checkSMTPRelay(r store.SMTPRelay, req smtpRelayRequest) []fieldError {
	var errs []fieldError
	cfg := email.Config{Host: r.Host, Port: r.Port, TLS: r.TLS, Username: r.Username, Password: r.Password, From: r.From}
	if err := cfg.Validate(); err != nil {
		var ce *notify.ConfigError
		if !errors.As(err, &ce) {
			return []fieldError{{"host", err.Error()}}
		}
		errs = append(errs, fieldError{ce.Field, ce.Message})
	}
	if utf8.RuneCountInString(r.Username) > maxSMTPUsername || strings.ContainsAny(r.Username, "\r\n") {
		errs = append(errs, fieldError{"username", "must be at most 256 characters on one line"})
	}
	switch {
	case len(req.Password) > maxSMTPPassword:
		errs = append(errs, fieldError{"password", "must be at most 1024 bytes"})
	case req.Password != "" && req.ClearPassword:
		errs = append(errs, fieldError{"password", "give a new password or clear_password, not both"})
	}
	return errs
}

func (h *handler) deleteSMTPRelay(c echo.Context) error {
	if err := h.store.DeleteSMTPRelay(c.Request().Context(), principalOf(c).OrgID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type smtpTestRequest struct {
	To string `json:"to"` // empty: the caller's own address
}

// testSMTPRelay mails a test message through the organization's own relay and answers
// the outcome in a sentence: refused, TLS, credentials... The failure is about the
// owner's own relay, so saying what went wrong is the point.
func (h *handler) testSMTPRelay(c echo.Context) error {
	var req smtpTestRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := principalOf(c)
	to := strings.TrimSpace(req.To)
	if to == "" {
		to = p.UserEmail
	}
	if _, err := email.BareAddress(to); err != nil {
		return badRequest("to", "to: %s", err.Error())
	}
	org, err := h.store.Organization(ctx, p.OrgID)
	if err != nil {
		return err
	}
	mail := h.emailProvider()
	if mail == nil {
		return conflict("this server offers no email channels")
	}
	sendCtx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	start := time.Now()
	err = mail.TestRelay(sendCtx, p.OrgID, org.Name, to)
	if errors.Is(err, email.ErrNoOrganizationRelay) {
		return conflict("the organization has no SMTP relay of its own to test; save one first")
	}
	out := map[string]any{"ok": err == nil, "to": to, "duration_ms": time.Since(start).Milliseconds()}
	if err != nil {
		out["error"] = email.Explain(err)
	} else {
		out["message"] = "The relay accepted the test message for " + to + "."
	}
	return c.JSON(http.StatusOK, out)
}
