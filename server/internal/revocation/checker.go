package revocation

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/shared/wire"
)

// Bounds on what a CA's servers can make the server do, the same for what
// agents fetch on its behalf (see wire).
const (
	// maxOCSPResponse bounds an OCSP response: one signed answer with at
	// most a responder certificate is a few kilobytes.
	maxOCSPResponse = wire.MaxOCSPResponseBytes
	// maxCRL bounds a CRL download: the largest public CRLs are a few
	// megabytes; more is a misconfiguration or an attack on memory.
	maxCRL = wire.MaxCRLBytes
	// FetchTimeout bounds each OCSP request and CRL download, so that a
	// responder that hangs costs one timeout, not a stuck pass.
	FetchTimeout = wire.RevocationTimeout
)

// Checker checks revocation over HTTP. Give it a client dialling through
// the SSRF guard (netguard.Guard.HTTPClient): the URLs come from
// certificates anyone can present. It keeps CRLs between passes (see
// crlCache); make one and reuse it.
type Checker struct {
	// ExpiringMargin is how long before its next update a CRL it loads
	// is reported as expiring (0: DefaultExpiringMargin); see Health.
	ExpiringMargin time.Duration

	http    *http.Client
	now     func() time.Time
	timeout time.Duration
	crls    *crlCache
}

// NewChecker returns a Checker over hc; now is the clock (nil: time.Now),
// timeout bounds each fetch (0: FetchTimeout).
func NewChecker(hc *http.Client, now func() time.Time, timeout time.Duration) *Checker {
	if now == nil {
		now = time.Now
	}
	if timeout <= 0 {
		timeout = FetchTimeout
	}
	return &Checker{http: hc, now: now, timeout: timeout, crls: newCRLCache(maxCachedCRLs)}
}

// Pass is one round of checks: each CRL it needs is fetched at most once
// and shared by every certificate that names it, even when that fetch
// failed. Safe for concurrent use.
type Pass struct {
	c    *Checker
	mu   sync.Mutex
	crls map[string]*passCRL
	// failing counts each OCSP responder's unavailable answers in a row;
	// responders records what each answered during the pass.
	failing    map[string]int
	responders map[string]*responderSeen
	// uploaded are the organizations' uploaded CRLs, read once.
	uploaded *uploadedCRLs
}

type passCRL struct {
	once sync.Once
	crl  *cachedCRL
	why  string
	// refused is set when the SSRF guard refused the CRL's address.
	refused bool
	// agentID names the agent that got the CRL or failed to ("" for the
	// server).
	agentID string
}

// NewPass starts a round of checks.
func (c *Checker) NewPass() *Pass {
	return &Pass{c: c, crls: map[string]*passCRL{}, failing: map[string]int{}, responders: map[string]*responderSeen{},
		uploaded: &uploadedCRLs{orgs: map[string][]*parsedCRL{}}}
}

// Check tells cert's revocation status, issuer being the certificate that
// issued it: OCSP first when the certificate names a responder, else (or
// when the responder gave no answer) its CRL.
func (p *Pass) Check(ctx context.Context, cert, issuer *x509.Certificate) Status {
	if !issuedBy(cert, issuer) {
		return unavailable("", "its issuer's certificate is neither served with it nor among the trusted roots, so no answer can be verified")
	}
	ocspURL, crlURL := firstHTTP(cert.OCSPServer), firstHTTP(cert.CRLDistributionPoints)
	if ocspURL == "" && crlURL == "" {
		return unavailable("", "the certificate names no OCSP responder or CRL reachable over HTTP")
	}
	var st Status
	if ocspURL != "" {
		st = p.ocsp(ctx, ocspURL, cert, issuer)
		if st.State != StateUnavailable || crlURL == "" {
			return st
		}
	}
	fromCRL := p.crl(ctx, crlURL, cert, issuer)
	if fromCRL.State == StateUnavailable {
		if st.Why != "" {
			fromCRL.Why = st.Why + "; " + fromCRL.Why
		}
		fromCRL.Refused = append(st.Refused, fromCRL.Refused...)
	}
	return fromCRL
}

// tripAfter unavailable answers in a row from one OCSP responder end its
// use for the pass: a responder that hangs would otherwise cost a timeout
// per certificate.
const tripAfter = 3

// ocsp asks the responder at u unless it kept failing during the pass.
func (p *Pass) ocsp(ctx context.Context, u string, cert, issuer *x509.Certificate) Status {
	p.mu.Lock()
	n := p.failing[u]
	p.mu.Unlock()
	if n >= tripAfter {
		return unavailable(SourceOCSP, describe("OCSP responder", u)+" not asked: it failed repeatedly during this pass")
	}
	st := p.c.ocsp(ctx, u, cert, issuer)
	p.mu.Lock()
	// A refused address costs no time: it does not trip the responder.
	if st.State == StateUnavailable && len(st.Refused) == 0 {
		p.failing[u]++
	} else {
		p.failing[u] = 0
	}
	p.responderAnswered(u, st)
	p.mu.Unlock()
	return st
}

// crl answers from the CRL at u, fetched once per pass.
func (p *Pass) crl(ctx context.Context, u string, cert, issuer *x509.Certificate) Status {
	p.mu.Lock()
	e, ok := p.crls[u]
	if !ok {
		e = &passCRL{}
		p.crls[u] = e
	}
	p.mu.Unlock()
	e.once.Do(func() {
		e.crl, e.why, e.refused = p.c.loadCRL(ctx, u)
		if e.crl != nil {
			e.agentID = e.crl.agentID
		}
	})
	st := unavailable(SourceCRL, e.why)
	if e.crl != nil {
		st = e.crl.status(cert, issuer, p.c.now())
	}
	if e.refused {
		st.Refused = []Fetch{{Kind: SourceCRL, URL: u, Why: e.why}}
	}
	return st
}

// firstHTTP is the first http(s) URL of urls: LDAP and other schemes
// are not fetched.
func firstHTTP(urls []string) string {
	for _, s := range urls {
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return s
		}
	}
	return ""
}

// fetched is an HTTP answer read within its bound.
type fetched struct {
	status int
	header http.Header
	body   []byte
}

// fetch sends req with the fetch timeout and reads at most limit bytes of
// the answer. The error is a reason in words, naming what was asked.
func (c *Checker) fetch(ctx context.Context, req *http.Request, limit int64, what string) (fetched, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("User-Agent", "certinel-server")
	resp, err := c.http.Do(req)
	if err != nil {
		return fetched{}, fetchError(what, c.timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotModified {
		return fetched{}, fmt.Errorf("%s answered HTTP %d", what, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fetched{}, fetchError(what, c.timeout, err)
	}
	if int64(len(body)) > limit {
		return fetched{}, fmt.Errorf("%s sent more than %s", what, size(limit))
	}
	return fetched{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// refusedAddress tells whether err is the SSRF guard's refusal of a
// private address: the guard's rule, not a copy of it, decides what an
// agent is asked to fetch.
func refusedAddress(err error) bool {
	return errors.Is(err, netguard.ErrForbiddenAddress)
}

func fetchError(what string, timeout time.Duration, err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%s timed out after %s", what, timeout)
	}
	return fmt.Errorf("%s unreachable: %w", what, err)
}

// size prints a byte count the way limits are spoken of.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// describe names a URL in a reason without its query.
func describe(kind, u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return kind + " " + u
}
