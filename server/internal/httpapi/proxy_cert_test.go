package httpapi_test

import (
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"certinel.dev/server/internal/httpapi"
)

// behindProxy serves the test server's store and agent CA as certinel-server
// does behind a TLS-terminating proxy: plain HTTP, with the client
// certificate relayed in header by the proxies of trusted.
func behindProxy(t testing.TB, srv *testServer, header, trusted string) *client {
	t.Helper()
	_, network, err := net.ParseCIDR(trusted)
	if err != nil {
		t.Fatal(err)
	}
	e := httpapi.New(httpapi.Deps{Store: srv.store, Log: slog.New(slog.NewTextHandler(testLog{t}, nil)), AgentCA: srv.ca,
		TrustedProxies: []*net.IPNet{network}, ClientCertHeader: header})
	proxied := httptest.NewServer(e)
	t.Cleanup(proxied.Close)
	c := srv.client(t)
	c.base = proxied.URL
	c.headers["User-Agent"] = "certinel-agent/1.2.3"
	return c
}

func escapedPEM(cert *x509.Certificate) string {
	return url.PathEscape(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
}

// TestAgentCertificateRelayedByTrustedProxy: behind nginx or Envoy, the
// agent's certificate arrives in a header, believed from the trusted
// proxies only, and checked like one presented in a handshake.
func TestAgentCertificateRelayedByTrustedProxy(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "proxied@example.com")
		base, roots := srv.tlsListener(t)
		e := enroll(t, srv, base, roots, joinToken(t, tn))

		// nginx: proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
		nginx := behindProxy(t, srv, "X-SSL-Client-Cert", "127.0.0.0/8")
		nginx.headers["X-SSL-Client-Cert"] = escapedPEM(e.leaf)
		var targets struct {
			Agent struct{ ID string } `json:"agent"`
		}
		nginx.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
		if targets.Agent.ID != tn.agentID {
			t.Fatalf("nginx header: answered for agent %q, want %q", targets.Agent.ID, tn.agentID)
		}

		// Envoy: one element per proxy, the nearest last; quoted values
		// may hold commas and semicolons.
		envoy := behindProxy(t, srv, "X-Forwarded-Client-Cert", "127.0.0.0/8")
		envoy.headers["X-Forwarded-Client-Cert"] = `By=spiffe://edge;Hash=00;Subject="CN=forged,O=a;b";URI=,` +
			`By=spiffe://certinel;Hash=11;Cert="` + escapedPEM(e.leaf) + `";Subject="CN=agent,O=x;y";URI=`
		envoy.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		// The same header from an address that is not a trusted proxy is
		// ignored: without tokens the request is refused.
		stranger := behindProxy(t, srv, "X-SSL-Client-Cert", "192.0.2.0/24")
		stranger.headers["X-SSL-Client-Cert"] = escapedPEM(e.leaf)
		if r := stranger.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("header from an untrusted address: status %d, want 401: %s", r.Status, r.Body)
		}

		// A relayed certificate is refused like a presented one: one that
		// does not parse, one naming the agent but signed by another CA,
		// and the agent's own once revoked.
		root, _, _, _ := freshCA(t)
		key := mustKey(t)
		foreign, _ := issue(t, &x509.Certificate{NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			URIs: e.leaf.URIs, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, &root, key)
		for name, value := range map[string]string{"garbage": "not%20a%20certificate", "foreign CA": escapedPEM(foreign)} {
			nginx.headers["X-SSL-Client-Cert"] = value
			if r := nginx.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized || errorCode(t, r) != "client_certificate_refused" {
				t.Errorf("%s: status %d: %s", name, r.Status, r.Body)
			}
		}
		nginx.headers["X-SSL-Client-Cert"] = escapedPEM(e.leaf)
		tn.browser.must(http.StatusOK, "POST", "/api/v1/agents/"+tn.agentID+"/certificate/revoke", nil, nil)
		if r := nginx.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("revoked certificate through the proxy: status %d: %s", r.Status, r.Body)
		}
	})
}
