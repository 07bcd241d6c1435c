package revocation_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/tlstest"
)

// testCA is a certificate authority made in the test, with an HTTP server
// on loopback that serves its CRL at /crl and answers OCSP at /ocsp.
type testCA struct {
	t    *testing.T
	cert *x509.Certificate
	key  crypto.Signer
	srv  *httptest.Server

	mu      sync.Mutex
	revoked map[string]x509.RevocationListEntry // by serial
	unknown map[string]bool                     // serials OCSP does not know
	// crlNext is the next update of the CRL it signs and crlNumber its
	// number (its ETag names it); crlSigner signs it (the CA when nil);
	// crlBody, when set, is served instead.
	crlNext   time.Time
	crlNumber int64
	crlSigner *testCA
	crlBody   []byte
	// responder, when set, signs OCSP answers as a delegated responder.
	responder    *x509.Certificate
	responderKey crypto.Signer
	// hang makes every request wait until the client gives up (or the
	// test ends: an unread request body hides the client's leaving).
	hang bool
	stop chan struct{}

	requests, crlFetches, crlNotModified, ocspRequests atomic.Int32
}

var serials atomic.Int64

func newKey(t *testing.T) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sign(t *testing.T, tmpl, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl.SerialNumber = big.NewInt(serials.Add(1) + 1000)
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour)
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newCA makes a CA and starts its server.
func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := newKey(t)
	ca := &testCA{t: t, key: key, revoked: map[string]x509.RevocationListEntry{}, unknown: map[string]bool{},
		crlNext: time.Now().Add(7 * 24 * time.Hour), crlNumber: 1, stop: make(chan struct{})}
	ca.cert = sign(t, &x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, nil, key.Public(), key)
	ca.srv = httptest.NewServer(http.HandlerFunc(ca.serve))
	t.Cleanup(ca.srv.Close)
	t.Cleanup(func() { close(ca.stop) }) // runs first
	return ca
}

func (ca *testCA) serve(w http.ResponseWriter, r *http.Request) {
	ca.requests.Add(1)
	ca.mu.Lock()
	hang := ca.hang
	ca.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-ca.stop:
		}
		return
	}
	switch r.URL.Path {
	case "/crl":
		ca.crlFetches.Add(1)
		ca.mu.Lock()
		etag := fmt.Sprintf(`"crl-%d"`, ca.crlNumber)
		ca.mu.Unlock()
		if r.Header.Get("If-None-Match") == etag {
			ca.crlNotModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		_, _ = w.Write(ca.crl())
	case "/ocsp":
		ca.ocspRequests.Add(1)
		_, _ = w.Write(ca.ocspAnswer(r))
	case "/down":
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		http.NotFound(w, r)
	}
}

func (ca *testCA) crl() []byte {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if ca.crlBody != nil {
		return ca.crlBody
	}
	signer := ca
	if ca.crlSigner != nil {
		signer = ca.crlSigner
	}
	tmpl := &x509.RevocationList{Number: big.NewInt(ca.crlNumber), ThisUpdate: ca.crlNext.Add(-7 * 24 * time.Hour), NextUpdate: ca.crlNext}
	for _, e := range ca.revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, e)
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, signer.cert, signer.key)
	if err != nil {
		ca.t.Error(err)
	}
	return der
}

func (ca *testCA) ocspAnswer(r *http.Request) []byte {
	body := make([]byte, 4096)
	n, _ := r.Body.Read(body)
	req, err := ocsp.ParseRequest(body[:n])
	if err != nil {
		return ocsp.MalformedRequestErrorResponse
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, ThisUpdate: time.Now().Add(-time.Minute),
		NextUpdate: time.Now().Add(48 * time.Hour)}
	if e, ok := ca.revoked[req.SerialNumber.String()]; ok {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, e.RevocationTime, e.ReasonCode
	} else if ca.unknown[req.SerialNumber.String()] {
		tmpl.Status = ocsp.Unknown
	}
	responder, key := ca.cert, ca.key
	if ca.responder != nil {
		responder, key = ca.responder, ca.responderKey
		tmpl.Certificate = responder // a delegated responder sends its certificate
	}
	der, err := ocsp.CreateResponse(ca.cert, responder, tmpl, key)
	if err != nil {
		ca.t.Error(err)
	}
	return der
}

// issue makes a leaf naming the given OCSP and CRL paths of the CA's
// server ("" for none).
func (ca *testCA) issue(ocspPath, crlPath string) *x509.Certificate {
	ca.t.Helper()
	at := func(path string) string {
		if path == "" {
			return ""
		}
		return ca.srv.URL + path
	}
	return ca.issueWith(at(ocspPath), at(crlPath))
}

// issueWith makes a leaf naming the given URLs ("" for none).
func (ca *testCA) issueWith(ocspURL, crlURL string) *x509.Certificate {
	ca.t.Helper()
	c, _ := ca.issueFor("leaf.example.test", ocspURL, crlURL)
	return c
}

// issueFor makes a leaf for host naming the given URLs, with its key.
func (ca *testCA) issueFor(host, ocspURL, crlURL string) (*x509.Certificate, crypto.Signer) {
	ca.t.Helper()
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	if ocspURL != "" {
		tmpl.OCSPServer = []string{ocspURL}
	}
	if crlURL != "" {
		tmpl.CRLDistributionPoints = []string{crlURL}
	}
	key := newKey(ca.t)
	return sign(ca.t, tmpl, ca.cert, key.Public(), ca.key), key
}

// publish makes the CA serve a CRL with the given number and next update.
func (ca *testCA) publish(number int64, next time.Time) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.crlNumber, ca.crlNext = number, next
}

func (ca *testCA) revoke(c *x509.Certificate, reason int, at time.Time) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.revoked[c.SerialNumber.String()] = x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: at, ReasonCode: reason}
}

// delegate makes OCSP answers signed by a responder certificate the CA
// issues, with or without the OCSP signing usage.
func (ca *testCA) delegate(ocspSigning bool) {
	ca.t.Helper()
	key := newKey(ca.t)
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "responder"}, KeyUsage: x509.KeyUsageDigitalSignature}
	if ocspSigning {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	}
	cert := sign(ca.t, tmpl, ca.cert, key.Public(), ca.key)
	ca.mu.Lock()
	ca.responder, ca.responderKey = cert, key
	ca.mu.Unlock()
}

// serveDomain serves chain with key on loopback as a domain of the
// organization named host, checked by agentID (nil: by the server).
func serveDomain(t *testing.T, st *store.Store, orgID, host string, chain []*x509.Certificate, key crypto.Signer, agentID *string) store.Domain {
	t.Helper()
	dom, err := st.CreateDomain(context.Background(), orgID, store.Domain{Host: "127.0.0.1", Port: tlstest.ServeChain(t, chain, key),
		Protocol: "tls", SNI: host, AgentID: agentID})
	if err != nil {
		t.Fatal(err)
	}
	return dom
}

// endpointChecker checks the domains from the server, loopback allowed.
func endpointChecker(st *store.Store, ingester *monitor.Ingester, log *slog.Logger) *monitor.Checker {
	return &monitor.Checker{Store: st, Ingester: ingester, Log: log,
		Dial: netguard.New(true).DialContext, Concurrency: 2, Timeout: 5 * time.Second, Batch: 10}
}

// newOrganization signs up an account and answers its organization.
func newOrganization(t *testing.T, st *store.Store, email, name string) store.Organization {
	t.Helper()
	_, org, err := st.CreateAccount(context.Background(), email, "h", name)
	if err != nil {
		t.Fatal(err)
	}
	return org
}
