// Package revocation fetches the CRLs and OCSP answers the server asks
// for because their addresses are private to the agent's network, and
// hands back the raw bytes of what has the shape of a CRL or an OCSP
// response: the server verifies every signature itself.
//
// No SSRF guard here, unlike on the server: the agent already connects to
// whatever its network holds (that is its job), runs there by its owner's
// choice, and sends what it gets only to its own organization's server.
package revocation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"certinel.dev/shared/wire"
)

// maxRedirects allows http→https and a moved path, as the server does.
const maxRedirects = 3

// NewHTTPClient returns the client fetches use: direct connections, as
// for handshakes (the proxy, if any, is for reaching the server), and
// redirects only within the scheme asked or up from http to https.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           (&net.Dialer{Timeout: wire.RevocationTimeout}).DialContext,
			TLSHandshakeTimeout:   wire.RevocationTimeout,
			ResponseHeaderTimeout: wire.RevocationTimeout,
			MaxIdleConns:          10,
			IdleConnTimeout:       30 * time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("stopped after %d redirects", maxRedirects)
			}
			from := via[len(via)-1].URL.Scheme
			if to := req.URL.Scheme; to != from && (from != "http" || to != "https") {
				return fmt.Errorf("redirect from %s to %s refused", from, to)
			}
			return nil
		},
	}
}

// Fetch gets what f asks: a CRL by GET, an OCSP answer by POST of its
// request, within the bounds the server applies to its own fetches. The
// push carries the bytes, or why there are none.
func Fetch(ctx context.Context, hc *http.Client, f wire.RevocationFetch) wire.RevocationPush {
	body, err := fetch(ctx, hc, f)
	if err != nil {
		return wire.RevocationPush{ID: f.ID, Error: err.Error()}
	}
	return wire.RevocationPush{ID: f.ID, Body: body}
}

func fetch(ctx context.Context, hc *http.Client, f wire.RevocationFetch) ([]byte, error) {
	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("not an http or https URL")
	}
	ctx, cancel := context.WithTimeout(ctx, wire.RevocationTimeout)
	defer cancel()
	var req *http.Request
	limit := int64(wire.MaxCRLBytes)
	switch f.Kind {
	case wire.RevocationKindCRL:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	case wire.RevocationKindOCSP:
		limit = wire.MaxOCSPResponseBytes
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, f.URL, bytes.NewReader(f.OCSPRequest))
		if err == nil {
			req.Header.Set("Content-Type", "application/ocsp-request")
			req.Header.Set("Accept", "application/ocsp-response")
		}
	default:
		return nil, fmt.Errorf("unknown kind %q", f.Kind)
	}
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "certinel-agent")
	resp, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("timed out after %s", wire.RevocationTimeout)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answered HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("sent more than %d bytes", limit)
	}
	if err := checkShape(f.Kind, body); err != nil {
		return nil, err
	}
	return body, nil
}
