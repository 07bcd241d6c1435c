package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// invitationLifetime is how long an invitation link works.
const invitationLifetime = 7 * 24 * time.Hour

var roles = []string{store.RoleOwner, store.RoleAdmin, store.RoleMember, store.RoleViewer}

type memberJSON struct {
	UserID   string    `json:"user_id"`
	Email    string    `json:"email"`
	Role     string    `json:"role"`
	JoinedAt time.Time `json:"joined_at"`
}

func (h *handler) listMembers(c echo.Context) error {
	list, err := h.store.ListMembers(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	items := mapItems(list, func(m store.Member) memberJSON {
		return memberJSON{UserID: m.UserID, Email: m.Email, Role: m.Role, JoinedAt: m.JoinedAt}
	})
	return c.JSON(http.StatusOK, wholeList(items))
}

func memberError(err error) error {
	if errors.Is(err, store.ErrLastOwner) {
		return conflict("the organization must keep at least one owner: make someone else owner first")
	}
	return err
}

func (h *handler) updateMember(c echo.Context) error {
	var req struct {
		Role string `json:"role"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !slices.Contains(roles, req.Role) {
		return invalid([]fieldError{{"role", "must be one of owner, admin, member, viewer"}})
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	if err := h.store.SetMemberRole(ctx, orgID, c.Param("user_id"), req.Role); err != nil {
		return memberError(err)
	}
	return h.listMembers(c)
}

func (h *handler) removeMember(c echo.Context) error {
	if err := h.store.RemoveMember(c.Request().Context(), principalOf(c).OrgID, c.Param("user_id")); err != nil {
		return memberError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// leave takes the caller out of the organization; the last owner cannot.
func (h *handler) leave(c echo.Context) error {
	p := principalOf(c)
	if err := h.store.RemoveMember(c.Request().Context(), p.OrgID, p.UserID); err != nil {
		return memberError(err)
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode})
	return c.NoContent(http.StatusNoContent)
}

type invitationJSON struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// AcceptURL is the link, present only in the creation answer, so the
	// owner can also pass it on by hand.
	AcceptURL string `json:"accept_url,omitempty"`
	// Emailed tells whether the link went out by email.
	Emailed *bool  `json:"emailed,omitempty"`
	Error   string `json:"email_error,omitempty"`
}

func toInvitationJSON(inv store.Invitation) invitationJSON {
	return invitationJSON{ID: inv.ID, Email: inv.Email, Role: inv.Role, CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt}
}

func (h *handler) createInvitation(c echo.Context) error {
	var req struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var errs []fieldError
	email, err := normalizeEmail(req.Email)
	if err != nil {
		errs = append(errs, fieldError{"email", err.Error()})
	}
	if !slices.Contains(roles, req.Role) {
		errs = append(errs, fieldError{"role", "must be one of owner, admin, member, viewer"})
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	ctx := c.Request().Context()
	p := principalOf(c)
	members, err := h.store.ListMembers(ctx, p.OrgID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Email == email {
			return &apiError{Status: http.StatusConflict, Code: "conflict", Field: "email", Message: "already a member"}
		}
	}
	secret, hash, _, err := auth.NewToken(auth.PrefixInvitation)
	if err != nil {
		return err
	}
	inv, err := h.store.CreateInvitation(ctx, p.OrgID, store.Invitation{Email: email, Role: req.Role, TokenHash: hash,
		InvitedBy: &p.UserID, ExpiresAt: h.store.Now().Add(invitationLifetime)})
	if err != nil {
		return err
	}
	out := toInvitationJSON(inv)
	out.AcceptURL = h.baseURL + "/invite/" + secret
	sent := h.sendInvitation(ctx, p.OrgID, inv, out.AcceptURL)
	out.Emailed = &sent.ok
	out.Error = sent.err
	return c.JSON(http.StatusCreated, out)
}

type sendOutcome struct {
	ok  bool
	err string
}

// sendInvitation mails the link through the email channel machinery.
func (h *handler) sendInvitation(ctx context.Context, orgID string, inv store.Invitation, link string) sendOutcome {
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return sendOutcome{err: "organization not found"}
	}
	cfg, _ := json.Marshal(map[string][]string{"recipients": {inv.Email}})
	ev := notify.Event{ID: inv.ID, Type: notify.TypeInvitation, Organization: notify.OrganizationRef{ID: org.ID, Name: org.Name},
		Detail:     "You were invited to join " + org.Name + " on Certinel as " + inv.Role + ". Accept within 7 days: " + link,
		OccurredAt: h.store.Now()}
	sendCtx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	err = h.channels.Send(sendCtx, notify.Channel{ID: "invitation", Name: "Invitation", Type: store.ChannelEmail, Config: cfg},
		notify.Message{Events: []notify.Event{ev}})
	if err != nil {
		h.log.Warn("invitation email not sent", "invitation", inv.ID, "err", err)
		return sendOutcome{err: err.Error()}
	}
	return sendOutcome{ok: true}
}

func (h *handler) listInvitations(c echo.Context) error {
	list, err := h.store.ListInvitations(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(mapItems(list, toInvitationJSON)))
}

func (h *handler) revokeInvitation(c echo.Context) error {
	if err := h.store.RevokeInvitation(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// acceptInvitation joins the organization named by an invitation link: a
// logged-in user joins as themselves if they have the invited email (and
// send the CSRF token like any cookie write); anyone else becomes a new
// user with the invited email and the given password. Either way a session
// in that organization starts.
func (h *handler) acceptInvitation(c echo.Context) error {
	var req struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if ok, wait := h.signupByIP.Allow(c.RealIP()); !ok {
		return rateLimited(wait)
	}
	ctx := c.Request().Context()
	hash := auth.HashToken(strings.TrimSpace(req.Token))
	info, _, err := h.cookieSession(c)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	userID := info.User.ID // empty without a session
	var newUser *store.User
	if userID == "" {
		if problem := passwordProblem(req.Password); problem != "" {
			return invalid([]fieldError{{"password", problem}})
		}
		pw, err := auth.HashPassword(req.Password)
		if err != nil {
			return err
		}
		newUser = &store.User{PasswordHash: pw}
	}
	m, err := h.store.AcceptInvitation(ctx, hash, userID, newUser)
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrInvitationUsed):
		return errInvitationGone
	case errors.Is(err, store.ErrWrongInvitee):
		return &apiError{Status: http.StatusForbidden, Code: "wrong_invitee", Message: "this invitation was sent to another email address " +
			"than the one you are signed in with: sign out, then open the link again and sign in or sign up with the invited address"}
	case errors.Is(err, store.ErrConflict):
		return conflict("an account with this email exists or is a member already: log in first, then open the link again")
	case err != nil:
		return err
	}
	user, err := h.store.UserByID(ctx, m.UserID)
	if err != nil {
		return err
	}
	org, err := h.store.Organization(ctx, m.OrganizationID)
	if err != nil {
		return err
	}
	return h.startSession(c, http.StatusOK, user, org, m.Role)
}
