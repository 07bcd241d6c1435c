package httpapi

import (
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

const sessionCookie = "certinel_session"

// principal is who makes a request: a dashboard session or an API token,
// always within one organization.
type principal struct {
	OrgID         string
	UserID        string
	UserEmail     string
	Role          string
	TokenID       string
	Scope         string
	sessionSecret string
}

func (p *principal) isSession() bool { return p.sessionSecret != "" }

const principalKey = "certinel.principal"

func principalOf(c echo.Context) *principal {
	p, _ := c.Get(principalKey).(*principal)
	return p
}

// authenticate resolves the caller from a bearer token or the session
// cookie. Bearer wins: it is explicit, the cookie is ambient.
func (h *handler) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if secret, ok := bearer(c); ok {
			grant, err := h.store.APITokenByHash(ctx, auth.HashToken(secret))
			if errors.Is(err, store.ErrNotFound) {
				return errUnauthorized
			}
			if err != nil {
				return err
			}
			tok := grant.Token
			c.Set(principalKey, &principal{OrgID: tok.OrganizationID, Role: grant.CreatorRole, TokenID: tok.ID, Scope: tok.Scope})
			setActor(c, store.Actor{Type: store.ActorToken, ID: tok.ID, Label: tok.Name})
			return next(c)
		}
		info, secret, err := h.cookieSession(c)
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		if err := h.store.TouchSession(ctx, info.Session, c.RealIP(), userAgent(c)); err != nil {
			return err
		}
		p := &principal{OrgID: info.Organization.ID, UserID: info.User.ID, UserEmail: info.User.Email, Role: info.Role, sessionSecret: secret}
		c.Set(principalKey, p)
		setActor(c, store.Actor{Type: store.ActorUser, ID: info.User.ID, Label: info.User.Email})
		return next(c)
	}
}

// cookieSession resolves the session cookie, with its secret. A write
// must carry the session's CSRF token (errCSRF otherwise), also on the
// routes that take a session without requiring one (logout, accepting an
// invitation). No cookie or a dead session answers store.ErrNotFound.
func (h *handler) cookieSession(c echo.Context) (store.SessionInfo, string, error) {
	ck, err := c.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return store.SessionInfo{}, "", store.ErrNotFound
	}
	info, err := h.store.SessionByHash(c.Request().Context(), auth.HashToken(ck.Value))
	if err != nil {
		return store.SessionInfo{}, "", err
	}
	if !safeMethod(c.Request().Method) && !auth.CheckCSRF(ck.Value, c.Request().Header.Get("X-CSRF-Token")) {
		return store.SessionInfo{}, "", errCSRF
	}
	return info, ck.Value, nil
}

// setActor names who acts in the request context, for the audit log.
func setActor(c echo.Context, a store.Actor) {
	a.IP = c.RealIP()
	c.SetRequest(c.Request().WithContext(store.WithActor(c.Request().Context(), a)))
}

// anonymousActor records the client IP of requests made before anyone is
// authenticated (sign-up, login).
func anonymousActor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setActor(c, store.Actor{Type: store.ActorSystem})
		return next(c)
	}
}

func bearer(c echo.Context) (string, bool) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return "", false
	}
	return strings.TrimSpace(secret), true
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// Permissions used in the route table. The role table (README.md) says
// which role may do what:
//
//	            viewer  member  admin  owner  read token  write token
//	permRead      yes     yes    yes    yes       yes         yes
//	permWrite      -      yes    yes    yes        -          yes
//	permAdmin      -       -     yes    yes        -          yes
//	permOwner      -       -      -     yes        -           -
//	permSession   yes     yes    yes    yes        -           -
//
// A token acts with its scope capped by its creator's role now (a token
// whose creator left the organization does not authenticate at all): a
// write token of an admin demoted to member changes domains but no longer
// agents or alerting, of a viewer it only reads. Agent-protocol tokens push
// results, which is a write: they need a creator of at least member.
type permission int

const (
	// permRead: look at anything of the organization.
	permRead permission = iota
	// permWrite: change what is monitored (domains, discovery, imports).
	permWrite
	// permAdmin: agents, tokens, alerting, CA bundles, the audit log.
	permAdmin
	// permOwner: members, invitations and roles.
	permOwner
	// permSession: a person in the dashboard, not a script.
	permSession
)

var roleRank = map[string]int{store.RoleViewer: 0, store.RoleMember: 1, store.RoleAdmin: 2, store.RoleOwner: 3}

// need guards a route with permissions, all of which must hold;
// agent-scope tokens reach only the agent protocol.
func need(perms ...permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := principalOf(c)
			if p == nil {
				return errUnauthorized
			}
			for _, perm := range perms {
				if !p.allows(perm) {
					return errForbidden
				}
			}
			return next(c)
		}
	}
}

func (p *principal) allows(perm permission) bool {
	if !roleAllows(p.Role, perm) {
		return false
	}
	if p.isSession() {
		return true
	}
	switch perm {
	case permRead:
		return p.Scope == store.ScopeRead || p.Scope == store.ScopeWrite
	case permWrite, permAdmin:
		return p.Scope == store.ScopeWrite
	}
	return false
}

// roleAllows is the role column of the table above; for a token the role
// is its creator's.
func roleAllows(role string, perm permission) bool {
	rank, ok := roleRank[role]
	if !ok {
		return false
	}
	switch perm {
	case permWrite:
		return rank >= roleRank[store.RoleMember]
	case permAdmin:
		return rank >= roleRank[store.RoleAdmin]
	case permOwner:
		return rank >= roleRank[store.RoleOwner]
	}
	return true
}

// agentCaller is an authenticated agent; Cert is its client certificate
// when it authenticated by mutual TLS.
type agentCaller struct {
	Agent store.Agent
	Cert  *x509.Certificate
}

const agentKey = "certinel.agent"

// authenticateAgent accepts a client certificate of the agent CA, presented
// to this server or relayed by a trusted proxy (see presentedChain and
// agentByCertificate), which then decides alone: a refused one is not
// excused by tokens. Without one it requires an API token of scope agent or
// write plus an agent token, both of the same organization, and an
// organization that does not require mutual TLS. Every token failure
// answers the same 401 so that a probe cannot tell which credential was
// wrong.
func (h *handler) authenticateAgent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		chain, err := h.presentedChain(c.Request())
		if err != nil {
			return errClientCert
		}
		if chain != nil {
			caller, err := h.agentByCertificate(ctx, chain)
			if err != nil {
				return err
			}
			c.Set(agentKey, caller)
			return next(c)
		}
		secret, ok := bearer(c)
		agentSecret := c.Request().Header.Get(wire.AgentTokenHeader)
		if !ok || agentSecret == "" {
			return errUnauthorized
		}
		grant, err := h.store.APITokenByHash(ctx, auth.HashToken(secret))
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		tok := grant.Token
		if (tok.Scope != store.ScopeAgent && tok.Scope != store.ScopeWrite) || !roleAllows(grant.CreatorRole, permWrite) {
			return errUnauthorized
		}
		agent, err := h.store.AgentByToken(ctx, tok.OrganizationID, auth.HashToken(agentSecret))
		if errors.Is(err, store.ErrNotFound) {
			return errUnauthorized
		}
		if err != nil {
			return err
		}
		if grant.RequireAgentMTLS {
			return errMTLSRequired
		}
		c.Set(agentKey, &agentCaller{Agent: agent})
		return next(c)
	}
}

func agentOf(c echo.Context) *agentCaller {
	a, _ := c.Get(agentKey).(*agentCaller)
	return a
}

const headKey = "certinel.head"

// answerHEAD makes every GET route answer HEAD exactly as it answers GET.
// Echo's router sends HEAD only to HEAD routes and routes the very request
// net/http gave it, so that request is marked GET for routing. Right after
// routing it becomes HEAD again for net/http, which then sends the status
// and headers and drops the body, while the handlers and the compression
// get a copy marked GET: they produce the GET answer, so its headers
// (Content-Encoding, Content-Length) are the GET's.
func answerHEAD(e *echo.Echo) {
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().Method == http.MethodHead {
				c.Request().Method = http.MethodGet
				c.Set(headKey, true)
			}
			return next(c)
		}
	})
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Get(headKey) == true {
				r := c.Request()
				get := r.WithContext(r.Context())
				r.Method = http.MethodHead
				c.SetRequest(get)
			}
			return next(c)
		}
	})
}

// noStore keeps API answers (tokens shown once, private data) out of caches.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// requestLog logs one line per request at debug level, errors at warn.
func (h *handler) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			status = toAPIError(err).Status
		}
		level := h.log.Debug
		if status >= 500 {
			level = h.log.Warn
		}
		level("http", "method", c.Request().Method, "path", c.Path(), "status", status,
			"duration_ms", time.Since(start).Milliseconds(), "ip", c.RealIP())
		return err
	}
}
