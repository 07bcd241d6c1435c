package netguard

import (
	"fmt"
	"net/http"
	"time"
)

// maxRedirects is enough for http→https and a moved path; more is more chances to be
// bounced somewhere the customer did not name.
const maxRedirects = 3

// HTTPClient returns a client whose every connection, including those made to follow a
// redirect, is dialled through the Guard. Build it once and reuse it: it owns a connection
// pool.
func (g *Guard) HTTPClient(timeout time.Duration) *http.Client {
	t := &http.Transport{
		// No proxy, whatever the environment says: the Guard would judge the proxy's
		// address, and the proxy would then connect anywhere on our behalf.
		Proxy:                 nil,
		DialContext:           g.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("netguard: stopped after %d redirects", maxRedirects)
			}
			return nil
		},
	}
}
