package e2e_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServerImportsTheCustomersIssuingCA: the customer keeps its root
// offline and hands the server an issuing CA it signed, with that CA's key.
// A wrong key stops the server at start with the reason. The right one
// replaces the CA the server generated: the server logs how many live
// certificates of it are refused, and its agent is refused until it
// enrolls again; then its certificate verifies to the customer's root and
// it pushes over mutual TLS. Once imported, the files can go.
func TestServerImportsTheCustomersIssuingCA(t *testing.T) {
	dir := t.TempDir()
	customer := newPKI(t) // its root, and the issuing CA the root signed
	chainFile, keyFile, wrongKey := filepath.Join(dir, "agent-ca.pem"), filepath.Join(dir, "agent-ca.key"), filepath.Join(dir, "wrong.key")
	writeFile(t, chainFile, append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: customer.inter.Raw}), customer.rootPEM...))
	writeFile(t, keyFile, keyPEM(t, tls.Certificate{PrivateKey: customer.interK}))
	writeFile(t, wrongKey, keyPEM(t, tls.Certificate{PrivateKey: newKey(t)}))

	bad := start(t, "certinel-server (wrong CA key)", dir, serverBin, []string{"CERTINEL_LISTEN_ADDR=127.0.0.1:" + strconv.Itoa(freePort(t)),
		"CERTINEL_DATA_DIR=" + t.TempDir(), "CERTINEL_AGENT_CA_CERT_FILE=" + chainFile, "CERTINEL_AGENT_CA_KEY_FILE=" + wrongKey})
	if code := bad.wait(30 * time.Second); code != 1 || !strings.Contains(bad.out.String(), "the key does not match the issuing CA certificate") {
		t.Errorf("start with a key that is not the issuing CA's: exit %d, want 1 saying so:\n%s", code, bad.out.String())
	}

	// An agent enrolled under the CA the server generated at its first
	// start; then the server restarts with the customer's CA.
	h := startHTTPSServer(t, dir)
	cred, domain := h.enrolledAgent("customer-ca-agent")
	once := func(what string, want int) {
		p := start(t, "certinel-agent once ("+what+")", dir, agentBin, h.agentEnv, "once")
		if code := p.wait(30 * time.Second); code != want {
			t.Fatalf("once %s: exit %d, want %d:\n%s", what, code, want, p.out.String())
		}
	}
	once("with the generated CA", 0)
	if err := h.srv.stop(); err != nil {
		t.Fatal(err)
	}
	caEnv := []string{"CERTINEL_AGENT_CA_CERT_FILE=" + chainFile, "CERTINEL_AGENT_CA_KEY_FILE=" + keyFile}
	h.srv.env = append(h.srv.env, caEnv...)
	h.srv.start()
	if out := h.srv.proc.out.String(); !strings.Contains(out, "replaced the previous agent CA") || !strings.Contains(out, "refused_certificates=1") {
		t.Errorf("the server does not say it replaced a CA with one live certificate:\n%s", out)
	}
	once("with a certificate of the replaced CA", 1)

	h.enroll(cred.agentID) // again, as the log says
	chain := readChain(t, h.identityFile())
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(customer.rootPEM))
	for _, c := range chain[1:] {
		inters.AddCert(c)
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("the agent's certificate does not verify to the customer's root: %v", err)
	}
	if err := chain[0].CheckSignatureFrom(customer.inter); err != nil {
		t.Errorf("the agent's certificate is not signed by the customer's issuing CA: %v", err)
	}
	once("with the imported CA", 0)
	if d := h.user.domain(domain); d.Status != "ok" {
		t.Errorf("domain status %q, want ok", d.Status)
	}

	// Imported: the files and variables may go, the CA stays.
	for _, f := range []string{chainFile, keyFile} {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	h.srv.env = slices.DeleteFunc(h.srv.env, func(kv string) bool { return slices.Contains(caEnv, kv) })
	if err := h.srv.stop(); err != nil {
		t.Fatal(err)
	}
	h.srv.start()
	once("after a restart without the files", 0)
	var agents struct {
		Items []struct {
			Serial string `json:"certificate_serial"`
		} `json:"items"`
	}
	h.user.call(http.MethodGet, "/api/v1/agents", nil, http.StatusOK, &agents)
	if len(agents.Items) != 1 || agents.Items[0].Serial != chain[0].SerialNumber.Text(16) {
		t.Errorf("agents %+v, want the one enrolled with serial %x", agents.Items, chain[0].SerialNumber)
	}
}

// readChain reads the certificates of the agent's identity file, leaf first.
func readChain(t *testing.T, path string) []*x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []*x509.Certificate
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if len(out) < 2 {
		t.Fatalf("%s holds %d certificates, want the leaf and its chain", path, len(out))
	}
	return out
}
