package e2e_test

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestAgentEnrollsAndPushesOverMutualTLS: the server serves HTTPS itself;
// the real agent binary enrolls with a join token (a wrong server pin
// first, which sends nothing), then checks its domain and pushes the result
// with its client certificate alone, no tokens. Once its certificate is
// revoked, its next cycle is refused.
func TestAgentEnrollsAndPushesOverMutualTLS(t *testing.T) {
	for _, database := range []string{"sqlite", "postgres"} {
		t.Run(database, func(t *testing.T) { enrollAndPushOverMutualTLS(t, database) })
	}
}

// httpsEndpoint is the real server serving HTTPS itself, on loopback, on
// either database, with a certificate of a test root the agent is given in
// rootFile, and the pin of that certificate's key.
type httpsEndpoint struct {
	*server
	transport *http.Transport // trusts the root
	rootFile  string
	pin       string // sha256:<hex> of the server certificate's key
}

func startHTTPSEndpoint(t *testing.T, dir, database string) httpsEndpoint {
	serverCert, rootFile, transport, env := httpsFiles(t, dir)
	if database == "postgres" {
		env = append(env, "DATABASE_URL="+postgresSchema(t))
	}
	srv := startServer(t, "https", &http.Client{Transport: transport, Timeout: 10 * time.Second}, env)
	spki := sha256.Sum256(serverCert.Leaf.RawSubjectPublicKeyInfo)
	return httpsEndpoint{server: srv, transport: transport, rootFile: rootFile, pin: "sha256:" + hex.EncodeToString(spki[:])}
}

func enrollAndPushOverMutualTLS(t *testing.T, database string) {
	dir := t.TempDir()
	srv := startHTTPSEndpoint(t, dir, database)
	rootFile := srv.rootFile
	u := signupVia(t, srv.url, srv.transport)
	targets := newPKI(t)
	u.uploadCABundle("E2E private CA", targets.rootPEM)
	cred := u.createAgent("mtls-agent")
	joinToken := u.joinToken(cred.agentID)

	spool := filepath.Join(dir, "spool")
	env := []string{"CERTINEL_CA_FILE=" + rootFile, "CERTINEL_SPOOL_DIR=" + spool, "CERTINEL_TIMEOUT=3s", "CERTINEL_LOG_LEVEL=debug"}
	enroll := func(pin string) (int, string) {
		p := start(t, "certinel-agent enroll", dir, agentBin, env, "enroll", "--server", srv.url, "--join-token", joinToken, "--server-pin", pin)
		return p.wait(30 * time.Second), p.out.String()
	}
	wrong := sha256.Sum256([]byte("not the server"))
	if code, out := enroll("sha256:" + hex.EncodeToString(wrong[:])); code != 1 || !strings.Contains(out, "pinned") {
		t.Fatalf("enroll with a wrong pin: exit %d:\n%s", code, out)
	}
	// The wrong pin sent nothing: the join token is still unspent.
	if code, out := enroll(srv.pin); code != 0 {
		t.Fatalf("enroll: exit %d:\n%s", code, out)
	}
	identityFile := filepath.Join(spool, "agent-identity.pem")
	if info, err := os.Stat(identityFile); err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o600) {
		t.Fatalf("identity file: %v, mode %v", err, info.Mode().Perm())
	}

	id := u.addTLSDomain(serveTLS(t, "127.0.0.1:0", targets.leaf(t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
	once := func() (int, string) {
		agentEnv := append([]string{"CERTINEL_SERVER_URL=" + srv.url, "CERTINEL_LOG_FORMAT=json"}, env...)
		p := start(t, "certinel-agent once", dir, agentBin, agentEnv, "once")
		return p.wait(30 * time.Second), p.out.String()
	}
	if code, out := once(); code != 0 {
		t.Fatalf("once over mutual TLS: exit %d:\n%s", code, out)
	}
	if d := u.domain(id); d.Status != "ok" {
		t.Errorf("domain after the agent's push: status %q, want ok", d.Status)
	}
	var agent struct {
		Serial string `json:"certificate_serial"`
	}
	u.call(http.MethodGet, "/api/v1/agents/"+cred.agentID, nil, http.StatusOK, &agent)
	if agent.Serial == "" {
		t.Error("the agent shows no certificate after enrolling")
	}

	u.call(http.MethodPost, "/api/v1/agents/"+cred.agentID+"/certificate/revoke", nil, http.StatusOK, nil)
	code, out := once()
	if code != 1 || !strings.Contains(out, "client_certificate_refused") {
		t.Errorf("once after revocation: exit %d, want 1 with the refusal:\n%s", code, out)
	}
}

// joinToken has the admin make a join token for the agent.
func (u *user) joinToken(agentID string) string {
	var join struct {
		Token string `json:"token"`
	}
	u.call(http.MethodPost, "/api/v1/agents/"+agentID+"/join-tokens", nil, http.StatusCreated, &join)
	return join.Token
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writePEMs writes the certificate chain of cert.
func writePEMs(t *testing.T, path string, cert tls.Certificate) {
	t.Helper()
	var out []byte
	for _, der := range cert.Certificate {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	writeFile(t, path, out)
}

func keyPEM(t *testing.T, cert tls.Certificate) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
