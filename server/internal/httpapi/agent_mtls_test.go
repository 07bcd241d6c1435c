package httpapi_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// These tests talk to the server over real TLS handshakes on loopback, the
// agent presenting its client certificate as it would in production.

// tlsListener serves the test server's handler over HTTPS, requesting
// client certificates as certinel-server does with CERTINEL_TLS_CERT_FILE.
func (s *testServer) tlsListener(t testing.TB) (base string, roots *x509.CertPool) {
	t.Helper()
	srv := httptest.NewUnstartedServer(s.handler)
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots = x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	return srv.URL, roots
}

// tlsClient calls base over TLS, presenting cert when it is not nil.
func (s *testServer) tlsClient(t testing.TB, base string, roots *x509.CertPool, cert *tls.Certificate) *client {
	c := s.client(t)
	c.base = base
	cfg := &tls.Config{RootCAs: roots}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	c.http = &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 30 * time.Second}
	c.headers["User-Agent"] = "certinel-agent/1.2.3"
	return c
}

func csrFor(t testing.TB, key *ecdsa.PrivateKey) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "agent"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

// joinToken has the tenant's admin create a join token for its agent.
func joinToken(t testing.TB, tn tenant) string {
	t.Helper()
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	tn.browser.must(http.StatusCreated, "POST", "/api/v1/agents/"+tn.agentID+"/join-tokens", nil, &out)
	if !strings.HasPrefix(out.Token, auth.PrefixJoinToken) {
		t.Fatalf("join token %q lacks its prefix", out.Token)
	}
	return out.Token
}

// enrolled is an agent's key and the answer to its enrollment or renewal.
type enrolled struct {
	key  *ecdsa.PrivateKey
	resp wire.CertificateResponse
	leaf *x509.Certificate
}

func (e enrolled) tlsCert(t testing.TB) *tls.Certificate {
	t.Helper()
	chain := [][]byte{e.leaf.Raw}
	for _, p := range e.resp.Chain {
		block, _ := pem.Decode([]byte(p))
		chain = append(chain, block.Bytes)
	}
	return &tls.Certificate{Certificate: chain, PrivateKey: e.key, Leaf: e.leaf}
}

// certRequest posts a fresh key's CSR to path with c, expecting want.
func certRequest(t testing.TB, c *client, path string, key *ecdsa.PrivateKey, want int) (enrolled, response) {
	t.Helper()
	if key == nil {
		key = mustKey(t)
	}
	r := c.do("POST", path, wire.CertificateRequest{CSR: csrFor(t, key)})
	if r.Status != want {
		t.Fatalf("POST %s: status %d, want %d: %s", path, r.Status, want, r.Body)
	}
	if want != http.StatusOK {
		return enrolled{}, r
	}
	e := enrolled{key: key}
	r.json(t, &e.resp)
	e.leaf = parseLeaf(t, e.resp.Certificate)
	return e, r
}

func parseLeaf(t testing.TB, certPEM string) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil {
		t.Fatalf("no PEM certificate in %q", certPEM)
	}
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

func enroll(t testing.TB, s *testServer, base string, roots *x509.CertPool, token string) enrolled {
	t.Helper()
	c := s.tlsClient(t, base, roots, nil)
	c.bearer = token
	e, _ := certRequest(t, c, "/"+wire.EnrollPath, nil, http.StatusOK)
	return e
}

type agentCertJSON struct {
	CertificateSerial    string     `json:"certificate_serial"`
	CertificateNotAfter  *time.Time `json:"certificate_not_after"`
	CertificateRotatedAt *time.Time `json:"certificate_rotated_at"`
}

func TestAgentEnrollsAndAuthenticatesByCertificate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		spec := newSpecValidator(t, fetchOpenAPI(t, srv))
		tn := srv.newTenant(t, "pki@example.com")
		// The audit log's details are free-form, beyond the document's
		// strict schema: it is read without the validator.
		auditor := *tn.browser
		auditor.http = &http.Client{Jar: tn.browser.http.Jar}
		spec.watch(tn.browser)
		base, roots := srv.tlsListener(t)
		enroller := spec.watch(srv.tlsClient(t, base, roots, nil))
		enroller.bearer = joinToken(t, tn)
		e, _ := certRequest(t, enroller, "/"+wire.EnrollPath, nil, http.StatusOK)
		certRequest(t, enroller, "/"+wire.EnrollPath, nil, http.StatusUnauthorized)

		leaf := e.leaf
		want := agentca.Identity{OrgID: tn.session.Organization.ID, AgentID: tn.agentID}.URI().String()
		if len(leaf.URIs) != 1 || leaf.URIs[0].String() != want {
			t.Errorf("URI SANs %v, want [%s]", leaf.URIs, want)
		}
		if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth || leaf.IsCA {
			t.Errorf("usages %v, CA %v: want client auth only", leaf.ExtKeyUsage, leaf.IsCA)
		}
		if life := leaf.NotAfter.Sub(leaf.NotBefore); life < agentca.DefaultValidity || life > agentca.DefaultValidity+time.Hour {
			t.Errorf("lifetime %s, want about %s", life, agentca.DefaultValidity)
		}
		if !e.key.PublicKey.Equal(leaf.PublicKey) {
			t.Error("certificate is not for the agent's key")
		}
		// The chain the agent received verifies the certificate.
		pool, inter := x509.NewCertPool(), x509.NewCertPool()
		if len(e.resp.Chain) != 2 || !inter.AppendCertsFromPEM([]byte(e.resp.Chain[0])) || !pool.AppendCertsFromPEM([]byte(e.resp.Chain[1])) {
			t.Fatalf("chain %q: want issuing CA then root", e.resp.Chain)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("chain does not verify: %v", err)
		}

		// The certificate alone authenticates the agent, no tokens.
		agent := spec.watch(srv.tlsClient(t, base, roots, e.tlsCert(t)))
		var targets wire.TargetsResponse
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
		if targets.Agent.ID != tn.agentID {
			t.Errorf("authenticated as agent %q, want %q", targets.Agent.ID, tn.agentID)
		}
		var got agentCertJSON
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &got)
		if got.CertificateSerial != e.resp.Serial || got.CertificateNotAfter == nil || !got.CertificateNotAfter.Equal(leaf.NotAfter) || got.CertificateRotatedAt == nil {
			t.Errorf("agent shows certificate %+v, want serial %s until %s", got, e.resp.Serial, leaf.NotAfter)
		}
		if e.resp.Serial != leaf.SerialNumber.Text(16) {
			t.Errorf("answered serial %s, certificate has %s", e.resp.Serial, leaf.SerialNumber.Text(16))
		}

		// Token agents keep working on the same listener.
		tokens := srv.tlsClient(t, base, roots, nil)
		tokens.bearer, tokens.headers["X-Agent-Token"] = tn.apiToken, tn.agentToken
		tokens.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		var audit struct{ Items []struct{ Action string } }
		auditor.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, &audit)
		actions := map[string]bool{}
		for _, a := range audit.Items {
			actions[a.Action] = true
		}
		if !actions["agent.join_token_create"] || !actions["agent.enroll"] {
			t.Errorf("audit log %v lacks the join token or the enrollment", audit.Items)
		}
	})
}

func TestJoinTokenWorksOnceAndNotAfterExpiry(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "join@example.com")
		base, roots := srv.tlsListener(t)
		c := srv.tlsClient(t, base, roots, nil)
		c.bearer = joinToken(t, tn)

		// A malformed request does not spend the token.
		r := c.do("POST", "/"+wire.EnrollPath, wire.CertificateRequest{CSR: "not a csr"})
		if r.Status != http.StatusBadRequest {
			t.Fatalf("garbage CSR: status %d: %s", r.Status, r.Body)
		}
		p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		r = c.do("POST", "/"+wire.EnrollPath, wire.CertificateRequest{CSR: csrFor(t, p384)})
		if r.Status != http.StatusBadRequest {
			t.Fatalf("P-384 CSR: status %d: %s", r.Status, r.Body)
		}
		first, _ := certRequest(t, c, "/"+wire.EnrollPath, nil, http.StatusOK)
		if _, r := certRequest(t, c, "/"+wire.EnrollPath, nil, http.StatusUnauthorized); errorCode(t, r) != "unauthorized" {
			t.Errorf("reused join token: %s", r.Body)
		}
		// The first certificate is unaffected by the refused reuse.
		srv.tlsClient(t, base, roots, first.tlsCert(t)).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		// An expired token is refused, and stays spent.
		secret, hash, display, err := auth.NewToken(auth.PrefixJoinToken)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := srv.store.CreateAgentJoinToken(ctx, tn.session.Organization.ID, tn.agentID, hash, display, -time.Second); err != nil {
			t.Fatal(err)
		}
		c.bearer = secret
		certRequest(t, c, "/"+wire.EnrollPath, nil, http.StatusUnauthorized)
		if _, err := srv.store.SpendAgentJoinToken(ctx, hash); err == nil {
			t.Error("expired join token still spendable after a refused enrollment")
		}

		// No token, or another organization's agent.
		c.bearer = ""
		certRequest(t, c, "/"+wire.EnrollPath, nil, http.StatusUnauthorized)
		other := srv.newTenant(t, "other@example.com")
		other.browser.must(http.StatusNotFound, "POST", "/api/v1/agents/"+tn.agentID+"/join-tokens", nil, nil)
	})
}

func TestAgentRenewsWithNewKeyOverMTLS(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "renew@example.com")
		base, roots := srv.tlsListener(t)
		old := enroll(t, srv, base, roots, joinToken(t, tn))
		agent := srv.tlsClient(t, base, roots, old.tlsCert(t))

		// Renewal must bring a new key.
		if _, r := certRequest(t, agent, "/"+wire.RenewPath, old.key, http.StatusBadRequest); !strings.Contains(string(r.Body), "new key") {
			t.Errorf("same-key renewal: %s", r.Body)
		}
		renewed, _ := certRequest(t, agent, "/"+wire.RenewPath, nil, http.StatusOK)
		if renewed.resp.Serial == old.resp.Serial || renewed.leaf.SerialNumber.Cmp(old.leaf.SerialNumber) == 0 {
			t.Errorf("renewal kept serial %s", old.resp.Serial)
		}
		if renewed.leaf.PublicKey.(*ecdsa.PublicKey).Equal(old.leaf.PublicKey) {
			t.Error("renewal kept the key")
		}
		if renewed.leaf.URIs[0].String() != old.leaf.URIs[0].String() {
			t.Errorf("renewed certificate names %s, not %s", renewed.leaf.URIs[0], old.leaf.URIs[0])
		}
		var got agentCertJSON
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &got)
		if got.CertificateSerial != renewed.resp.Serial || !got.CertificateNotAfter.Equal(renewed.leaf.NotAfter) {
			t.Errorf("agent shows %+v after renewal to %s", got, renewed.resp.Serial)
		}
		// Both certificates work: the agent keeps the old one until it has
		// stored the new one.
		srv.tlsClient(t, base, roots, renewed.tlsCert(t)).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		// Renewal is for certificate holders only, not tokens.
		tokens := srv.tlsClient(t, base, roots, nil)
		tokens.bearer, tokens.headers["X-Agent-Token"] = tn.apiToken, tn.agentToken
		if _, r := certRequest(t, tokens, "/"+wire.RenewPath, nil, http.StatusUnauthorized); errorCode(t, r) != "mtls_required" {
			t.Errorf("renewal by token: %s", r.Body)
		}
	})
}

func TestRevokedAgentRefusedAndListedInCRL(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "revoke@example.com")
		base, roots := srv.tlsListener(t)
		e := enroll(t, srv, base, roots, joinToken(t, tn))
		agent := srv.tlsClient(t, base, roots, e.tlsCert(t))
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		before := fetchCRL(t, srv)

		spec := newSpecValidator(t, fetchOpenAPI(t, srv))
		var got agentCertJSON
		spec.watch(tn.browser).must(http.StatusOK, "POST", "/api/v1/agents/"+tn.agentID+"/certificate/revoke", nil, &got)
		spec.watch(srv.client(t)).must(http.StatusOK, "GET", "/pki/crl.der", nil, nil)
		spec.watch(srv.client(t)).must(http.StatusOK, "GET", "/pki/crl.pem", nil, nil)
		if got.CertificateSerial != "" {
			t.Errorf("revoked agent still shows certificate %s", got.CertificateSerial)
		}
		// The next request, on the same TLS connection, is refused.
		spec.watch(agent)
		r := agent.do("GET", "/api/v1/agent/targets", nil)
		if r.Status != http.StatusUnauthorized || errorCode(t, r) != "client_certificate_refused" {
			t.Fatalf("revoked certificate: status %d: %s", r.Status, r.Body)
		}
		certRequest(t, agent, "/"+wire.RenewPath, nil, http.StatusUnauthorized)

		crl := fetchCRL(t, srv)
		if crl.Number.Cmp(before.Number) <= 0 {
			t.Errorf("CRL number %s after %s: want it to increase", crl.Number, before.Number)
		}
		if !listed(crl, e.leaf.SerialNumber) {
			t.Errorf("CRL lacks revoked serial %s", e.resp.Serial)
		}
		if crl.NextUpdate.Sub(crl.ThisUpdate) > 24*time.Hour || !crl.NextUpdate.After(crl.ThisUpdate) {
			t.Errorf("CRL next update %s after this update %s: want within 24 hours", crl.NextUpdate, crl.ThisUpdate)
		}
		opensslListsSerial(t, srv, e.leaf.SerialNumber)

		// Deleting an agent revokes its certificates too.
		var second created
		tn.browser.must(http.StatusCreated, "POST", "/api/v1/agents", map[string]string{"name": "dc2"}, &second)
		tn2 := tn
		tn2.agentID = second.ID
		e2 := enroll(t, srv, base, roots, joinToken(t, tn2))
		agent2 := srv.tlsClient(t, base, roots, e2.tlsCert(t))
		agent2.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		tn.browser.must(http.StatusNoContent, "DELETE", "/api/v1/agents/"+second.ID, nil, nil)
		if r := agent2.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("deleted agent's certificate: status %d: %s", r.Status, r.Body)
		}
		if !listed(fetchCRL(t, srv), e2.leaf.SerialNumber) {
			t.Error("CRL lacks the deleted agent's serial")
		}
	})
}

func fetchCRL(t testing.TB, srv *testServer) *x509.RevocationList {
	t.Helper()
	r := srv.client(t).must(http.StatusOK, "GET", "/pki/crl.der", nil, nil)
	crl, err := x509.ParseRevocationList(r.Body)
	if err != nil {
		t.Fatalf("parse CRL: %v", err)
	}
	block, _ := pem.Decode([]byte(srv.ca.ChainPEM()[0]))
	issuing, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(issuing); err != nil {
		t.Errorf("CRL not signed by the issuing CA: %v", err)
	}
	pemCRL := srv.client(t).must(http.StatusOK, "GET", "/pki/crl.pem", nil, nil)
	if block, _ := pem.Decode(pemCRL.Body); block == nil || block.Type != "X509 CRL" {
		t.Fatalf("crl.pem: %q", pemCRL.Body)
	}
	return crl
}

func listed(crl *x509.RevocationList, serial *big.Int) bool {
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(serial) == 0 {
			return true
		}
	}
	return false
}

// opensslListsSerial reads the DER CRL with openssl, as an outsider would.
func opensslListsSerial(t testing.TB, srv *testServer, serial *big.Int) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	r := srv.client(t).must(http.StatusOK, "GET", "/pki/crl.der", nil, nil)
	path := filepath.Join(t.TempDir(), "crl.der")
	if err := os.WriteFile(path, r.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "crl", "-inform", "DER", "-noout", "-text", "-in", path).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl crl: %v: %s", err, out)
	}
	hex := strings.ToUpper(serial.Text(16))
	if len(hex)%2 == 1 {
		hex = "0" + hex
	}
	if !strings.Contains(string(out), "Serial Number: "+hex) {
		t.Errorf("openssl does not list serial %s:\n%s", hex, out)
	}
}

func TestExpiredOrForeignAgentCertificateRefused(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "expired@example.com")
		base, roots := srv.tlsListener(t)
		id := agentca.Identity{OrgID: tn.session.Organization.ID, AgentID: tn.agentID}

		// A certificate of the agent CA, recorded as the agent's, that
		// expired a day ago.
		key := mustKey(t)
		csr, err := agentca.ParseCSR([]byte(csrFor(t, key)))
		if err != nil {
			t.Fatal(err)
		}
		issued, err := srv.ca.Issue(csr, id, time.Now().Add(-agentca.DefaultValidity-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		row := store.AgentCertificate{Serial: issued.Serial, AgentID: tn.agentID, NotBefore: issued.Cert.NotBefore, NotAfter: issued.Cert.NotAfter}
		if err := srv.store.RecordAgentCertificate(context.Background(), id.OrgID, row, store.CertEnrolled); err != nil {
			t.Fatal(err)
		}
		expired := enrolled{key: key, leaf: issued.Cert, resp: wire.CertificateResponse{Chain: srv.ca.ChainPEM()}}
		r := srv.tlsClient(t, base, roots, expired.tlsCert(t)).do("GET", "/api/v1/agent/targets", nil)
		if r.Status != http.StatusUnauthorized || errorCode(t, r) != "client_certificate_refused" {
			t.Errorf("expired certificate: status %d: %s", r.Status, r.Body)
		}

		// A certificate naming the agent, signed by some other CA.
		root, _, _, _ := freshCA(t)
		foreign, der := issue(t, &x509.Certificate{NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			URIs: []*url.URL{id.URI()}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, &root, key)
		cert := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: foreign}
		withTokens := srv.tlsClient(t, base, roots, cert)
		withTokens.bearer, withTokens.headers["X-Agent-Token"] = tn.apiToken, tn.agentToken
		if r := withTokens.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("foreign certificate with valid tokens: status %d: %s", r.Status, r.Body)
		}
	})
}

func TestStolenAgentTokenRefusedWhenMTLSRequired(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "strict@example.com")
		base, roots := srv.tlsListener(t)
		e := enroll(t, srv, base, roots, joinToken(t, tn))
		stolen := srv.tlsClient(t, base, roots, nil)
		stolen.bearer, stolen.headers["X-Agent-Token"] = tn.apiToken, tn.agentToken
		stolen.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		var org struct {
			RequireAgentMTLS bool `json:"require_agent_mtls"`
		}
		tn.browser.must(http.StatusOK, "PATCH", "/api/v1/organization", map[string]bool{"require_agent_mtls": true}, &org)
		if !org.RequireAgentMTLS {
			t.Fatal("organization does not require mutual TLS after the change")
		}
		for _, path := range []string{"/api/v1/agent/targets", "/api/v1/agent/token"} {
			method := "GET"
			if path == "/api/v1/agent/token" {
				method = "POST"
			}
			if r := stolen.do(method, path, nil); r.Status != http.StatusUnauthorized || errorCode(t, r) != "mtls_required" {
				t.Errorf("%s %s with tokens only: status %d: %s", method, path, r.Status, r.Body)
			}
		}
		// The agent with its key still works.
		srv.tlsClient(t, base, roots, e.tlsCert(t)).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
	})
}
