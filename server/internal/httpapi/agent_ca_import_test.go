package httpapi_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"certinel.dev/server/internal/agentca"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// TestImportedIssuingCAServesAgents: a customer keeps its root offline and
// gives the server an issuing CA it signed, with that CA's key. Agents
// enroll and authenticate over real mutual TLS; their certificates, the
// chain they are given and the CRL all verify against the customer's root,
// whose key the server never had.
func TestImportedIssuingCAServesAgents(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			now := time.Now()
			caUsage := x509.KeyUsageCertSign | x509.KeyUsageCRLSign
			rootKey := mustKey(t)
			rootCert, rootDER := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Customer offline root"}, NotBefore: now.Add(-time.Hour),
				NotAfter: now.AddDate(20, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: caUsage}, nil, rootKey)
			root := issuer{cert: rootCert, key: rootKey}
			issuingKey := mustKey(t)
			issuingCert, issuingDER := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Customer agent CA"}, NotBefore: now.Add(-time.Hour),
				NotAfter: now.AddDate(3, 0, 0), IsCA: true, BasicConstraintsValid: true, KeyUsage: caUsage, MaxPathLenZero: true}, &root, issuingKey)
			dir := t.TempDir()
			files := agentca.Files{Cert: filepath.Join(dir, "issuing.pem"), Key: filepath.Join(dir, "issuing.key")}
			keyDER, err := x509.MarshalECPrivateKey(issuingKey)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, files.Cert, append(pemBlock("CERTIFICATE", issuingDER), pemBlock("CERTIFICATE", rootDER)...))
			writeFile(t, files.Key, pemBlock("EC PRIVATE KEY", keyDER))

			srv := newServerWith(t, d, true, func(st *store.Store) {
				if _, err := agentca.Import(context.Background(), st, files, agentca.DefaultValidity); err != nil {
					t.Fatal(err)
				}
			})
			tn := srv.newTenant(t, "import@example.com")
			base, roots := srv.tlsListener(t)
			e := enroll(t, srv, base, roots, joinToken(t, tn))

			customerRoots, inters := x509.NewCertPool(), x509.NewCertPool()
			customerRoots.AddCert(rootCert)
			if len(e.resp.Chain) != 2 || e.resp.Chain[1] != string(pemBlock("CERTIFICATE", rootDER)) || !inters.AppendCertsFromPEM([]byte(e.resp.Chain[0])) {
				t.Fatalf("chain given to the agent %q: want the customer's issuing CA and root", e.resp.Chain)
			}
			if _, err := e.leaf.Verify(x509.VerifyOptions{Roots: customerRoots, Intermediates: inters,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Errorf("agent certificate does not verify to the customer's root: %v", err)
			}
			agent := srv.tlsClient(t, base, roots, e.tlsCert(t))
			var targets wire.TargetsResponse
			agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
			if targets.Agent.ID != tn.agentID {
				t.Errorf("authenticated as %q, want %q", targets.Agent.ID, tn.agentID)
			}

			tn.browser.must(http.StatusOK, "POST", "/api/v1/agents/"+tn.agentID+"/certificate/revoke", nil, nil)
			if r := agent.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
				t.Errorf("revoked agent: status %d", r.Status)
			}
			crl := fetchCRL(t, srv)
			if err := crl.CheckSignatureFrom(issuingCert); err != nil || !listed(crl, e.leaf.SerialNumber) {
				t.Errorf("CRL: signed by the customer's issuing CA: %v; lists the revoked serial: %v", err, listed(crl, e.leaf.SerialNumber))
			}
		})
	}
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
