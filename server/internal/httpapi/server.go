// Package httpapi is the HTTP face of the server: the /api/v1 routes used by
// the dashboard, scripts and agents, and the health checks.
package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/control"
	"certinel.dev/server/internal/downloads"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
)

// Deps is what the HTTP layer needs, built in main.
type Deps struct {
	Store         *store.Store
	Ingester      *monitor.Ingester
	Log           *slog.Logger
	SecureCookies bool
	// BaseURL is the public URL of the server, for links (no trailing slash).
	BaseURL string
	// Channels are the alert channel types this server offers, by type.
	Channels *notify.Registry
	// UI serves the dashboard for every path outside /api; nil serves none.
	UI http.Handler
	// TrustedProxies are the networks of the load balancers or reverse
	// proxies in front of the server, whose X-Forwarded-For is believed.
	TrustedProxies []*net.IPNet
	// Hub holds the agents' control channel polls; MaxPollWait caps how
	// long one is held.
	Hub         *control.Hub
	MaxPollWait time.Duration
	// Checker runs "check now" of server-checked domains.
	Checker *monitor.Checker
	// Rejudger judges stored chains again after CA bundle or policy changes.
	Rejudger *monitor.Rejudger
	// Revocations verifies and records the CRLs and OCSP answers agents
	// push and users upload.
	Revocations *revocation.Refresher
	// AgentDownloads is the directory of agent builds offered for download;
	// its zero value (no path) offers none. Version is the server's own.
	AgentDownloads downloads.Dir
	Version        string
	// PublicURL is CERTINEL_BASE_URL when it was set: install commands
	// point agents there rather than at the address the browser used.
	PublicURL string
	// AgentCA issues and checks agents' client certificates; nil turns
	// enrollment, renewal and the CRL off.
	AgentCA *agentca.Authority
	// Mailer sends the mails the server writes to people (password reset
	// links); nil when no SMTP relay is configured.
	Mailer notify.Sender
	// ClientCertHeader names the header in which a TLS-terminating proxy
	// (one of TrustedProxies) relays the client certificate it received:
	// X-Forwarded-Client-Cert (Envoy), or any other holding URL-encoded
	// PEM (nginx's $ssl_client_escaped_cert). Empty: none is read.
	ClientCertHeader string
}

// clientIP finds the client's address for the login limits and the audit
// log. With no trusted proxy it is the TCP peer: trusting X-Forwarded-For by
// default would let anyone pick their IP and dodge the limits. Behind
// proxies it is the nearest address in X-Forwarded-For that is not one of
// them (only the trusted ones are believed, not the private ranges echo
// trusts by default); without it every client would share the proxy's IP
// and its limits.
func clientIP(proxies []*net.IPNet) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

type handler struct {
	store         *store.Store
	ingester      *monitor.Ingester
	log           *slog.Logger
	secureCookies bool
	loginByIP     *auth.Limiter
	loginBackoff  *auth.Backoff
	signupByIP    *auth.Limiter
	resetByEmail  *auth.Limiter
	mailer        notify.Sender
	channels      *notify.Registry
	baseURL       string
	ingestGate    ingestGate
	hub           *control.Hub
	commands      *control.Sender
	maxPollWait   time.Duration
	checker       *monitor.Checker
	rejudger      *monitor.Rejudger
	revocation    *revocation.Refresher
	downloads     downloads.Dir
	version       string
	publicURL     string
	ca            *agentca.Authority
	certHeader    string
	proxies       []*net.IPNet
	crl           *agentca.Publisher
	// checksNow bounds the "check now" runs of server-checked domains in
	// flight on this replica.
	checksNow chan struct{}
}

// New builds the Echo instance with every route.
func New(d Deps) *echo.Echo {
	if d.Hub == nil {
		d.Hub = control.NewHub(defaultChannels)
	}
	if d.Channels == nil {
		d.Channels, _ = notify.NewRegistry() // no channel types: nothing to register wrongly
	}
	if d.MaxPollWait <= 0 {
		d.MaxPollWait = defaultPollWait
	}
	h := &handler{
		store:         d.Store,
		ingester:      d.Ingester,
		log:           d.Log,
		secureCookies: d.SecureCookies,
		channels:      d.Channels,
		baseURL:       d.BaseURL,
		loginByIP:     auth.NewLimiter(6*time.Second, 20),
		loginBackoff:  auth.NewBackoff(5, time.Second, 15*time.Minute),
		signupByIP:    auth.NewLimiter(time.Minute, 10),
		resetByEmail:  auth.NewLimiter(10*time.Minute, 3),
		mailer:        d.Mailer,
		ingestGate:    newIngestGate(),
		hub:           d.Hub,
		commands:      &control.Sender{Store: d.Store, Hub: d.Hub},
		maxPollWait:   d.MaxPollWait,
		checker:       d.Checker,
		rejudger:      d.Rejudger,
		revocation:    d.Revocations,
		downloads:     d.AgentDownloads,
		version:       d.Version,
		publicURL:     d.PublicURL,
		ca:            d.AgentCA,
		certHeader:    d.ClientCertHeader,
		proxies:       d.TrustedProxies,
		checksNow:     make(chan struct{}, serverChecksNow),
	}
	if d.AgentCA != nil {
		h.crl = &agentca.Publisher{CA: d.AgentCA, Store: d.Store}
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.IPExtractor = clientIP(d.TrustedProxies)
	e.HTTPErrorHandler = errorHandler(d.Log)
	answerHEAD(e)
	// The dashboard loads only its own scripts and styles, and no other
	// site may frame it.
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		ContentTypeNosniff: "nosniff",
		XFrameOptions:      "DENY",
		ReferrerPolicy:     "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
			"connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
	}))
	e.Use(checkParams)
	e.Use(compress())
	h.routes(e, d.UI)
	return e
}
