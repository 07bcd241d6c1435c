package e2e_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAgentDaemonRenewsItsCertificate: with 2-minute agent certificates,
// the real agent enrolled and left running (`run`) renews on its own. The
// server is away when the renewal falls due: the agent logs why it failed,
// keeps its certificate on disk, and retries; once the server is back the
// renewal succeeds with a new serial and a new key, the agent's pushes go
// on, and the audit log records agent.certificate_renew. About two minutes
// and a half at most, most of it waiting for two thirds of the
// certificate's life.
func TestAgentDaemonRenewsItsCertificate(t *testing.T) {
	dir := t.TempDir()
	h := startHTTPSServer(t, dir, "CERTINEL_AGENT_CERT_VALIDITY=2m")
	srv, u := h.srv, h.user
	cred, domain := h.enrolledAgent("renewing-agent")
	identityFile := h.identityFile()
	first := readLeaf(t, identityFile)

	daemon := start(t, "certinel-agent run", dir, agentBin, h.agentEnv, "run")
	t.Cleanup(func() { daemon.stop(10 * time.Second) })
	waitConnected(t, u, cred.agentID)
	u.checkNow(domain, 30*time.Second) // a push with the first certificate

	// Away from just before the renewal falls due until the agent has
	// tried: short, so that its control channel is soon back too.
	due := first.NotBefore.Add(first.NotAfter.Sub(first.NotBefore) * 2 / 3)
	time.Sleep(time.Until(due.Add(-2 * time.Second)))
	if err := srv.stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the agent to log its failed renewal", func() bool {
		return strings.Contains(daemon.out.String(), "could not renew the client certificate")
	})
	if failure := logLine(daemon.out.String(), "could not renew the client certificate"); !strings.Contains(failure, `"error":`) ||
		!strings.Contains(failure, `"retry_in":`) {
		t.Errorf("the failure is logged without its reason or retry: %s", failure)
	}
	if still := readLeaf(t, identityFile); !bytes.Equal(still.Raw, first.Raw) {
		t.Fatal("the certificate on disk changed while the renewal failed")
	}
	srv.start()
	waitFor(t, time.Minute, "the agent to renew once the server is back", func() bool {
		return strings.Contains(daemon.out.String(), "client certificate renewed")
	})

	second := readLeaf(t, identityFile)
	if second.SerialNumber.Cmp(first.SerialNumber) == 0 || bytes.Equal(second.RawSubjectPublicKeyInfo, first.RawSubjectPublicKeyInfo) {
		t.Fatalf("renewed certificate: serial %x (was %x), same key %v: want a new serial and a new key",
			second.SerialNumber, first.SerialNumber, bytes.Equal(second.RawSubjectPublicKeyInfo, first.RawSubjectPublicKeyInfo))
	}
	if !second.NotAfter.After(first.NotAfter) {
		t.Errorf("renewed certificate ends %s, the first %s", second.NotAfter, first.NotAfter)
	}
	// The daemon's pushes go on with the renewed certificate, once its
	// control channel is back from its backoff.
	waitFor(t, time.Minute, "the agent's control channel to connect again", func() bool {
		return u.agent(cred.agentID).Channel.Connected
	})
	u.checkNow(domain, 30*time.Second)

	var agent struct {
		Serial string `json:"certificate_serial"`
	}
	u.call(http.MethodGet, "/api/v1/agents/"+cred.agentID, nil, http.StatusOK, &agent)
	var audit struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	u.call(http.MethodGet, "/api/v1/audit-log", nil, http.StatusOK, &audit)
	renewals := 0
	for _, e := range audit.Items {
		if e.Action == "agent.certificate_renew" {
			renewals++
		}
	}
	// Renewing every ~80 s, the agent may have renewed again meanwhile.
	if latest := readLeaf(t, identityFile); agent.Serial != latest.SerialNumber.Text(16) || renewals == 0 {
		t.Errorf("server shows serial %s, agent holds %x; audit log has %d renewals", agent.Serial, latest.SerialNumber, renewals)
	}
}

// httpsServer is a server serving HTTPS itself, so that agents can
// present client certificates, with a user signed up on it.
type httpsServer struct {
	t        *testing.T
	dir      string
	srv      *server
	user     *user
	agentEnv []string
	// targets is the private CA of the endpoints agents check.
	targets *pki
}

// startHTTPSServer starts the server on SQLite with env added, in dir.
func startHTTPSServer(t *testing.T, dir string, env ...string) *httpsServer {
	t.Helper()
	_, rootFile, transport, tlsEnv := httpsFiles(t, dir)
	srv := startServer(t, "https", &http.Client{Transport: transport, Timeout: 10 * time.Second}, append(tlsEnv, env...))
	h := &httpsServer{t: t, dir: dir, srv: srv, user: signupVia(t, srv.url, transport), targets: newPKI(t),
		agentEnv: []string{"CERTINEL_SERVER_URL=" + srv.url, "CERTINEL_CA_FILE=" + rootFile, "CERTINEL_SPOOL_DIR=" + filepath.Join(dir, "spool"),
			"CERTINEL_TIMEOUT=3s", "CERTINEL_LOG_FORMAT=json"}}
	h.user.uploadCABundle("E2E private CA", h.targets.rootPEM)
	return h
}

// httpsFiles makes the server's own HTTPS certificate, from a private
// root, in dir: it returns the certificate, the root's file (for agents'
// CERTINEL_CA_FILE), a transport trusting it, and the server's variables.
func httpsFiles(t *testing.T, dir string) (tls.Certificate, string, *http.Transport, []string) {
	t.Helper()
	web := newPKI(t)
	serverCert := web.leaf(t, net.IPv4(127, 0, 0, 1), 90)
	certFile, keyFile, rootFile := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key"), filepath.Join(dir, "root.pem")
	writePEMs(t, certFile, serverCert)
	writeFile(t, keyFile, keyPEM(t, serverCert))
	writeFile(t, rootFile, []byte(web.rootPEM))
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(web.rootPEM))
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	return serverCert, rootFile, transport, []string{"CERTINEL_TLS_CERT_FILE=" + certFile, "CERTINEL_TLS_KEY_FILE=" + keyFile}
}

// enrolledAgent creates an agent, enrolls the real agent binary for it
// with a join token, and gives it an endpoint of its own to check.
func (h *httpsServer) enrolledAgent(name string) (credentials, string) {
	h.t.Helper()
	cred := h.user.createAgent(name)
	h.enroll(cred.agentID)
	return cred, h.user.addTLSDomain(serveTLS(h.t, "127.0.0.1:0", h.targets.leaf(h.t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
}

// enroll enrolls the agent binary, with a new join token, as the agent.
func (h *httpsServer) enroll(agentID string) {
	h.t.Helper()
	var join struct {
		Token string `json:"token"`
	}
	h.user.call(http.MethodPost, "/api/v1/agents/"+agentID+"/join-tokens", nil, http.StatusCreated, &join)
	enroll := start(h.t, "certinel-agent enroll", h.dir, agentBin, h.agentEnv, "enroll", "--server", h.srv.url, "--join-token", join.Token)
	if code := enroll.wait(30 * time.Second); code != 0 {
		h.t.Fatalf("enroll: exit %d:\n%s", code, enroll.out.String())
	}
}

func (h *httpsServer) identityFile() string {
	return filepath.Join(h.dir, "spool", "agent-identity.pem")
}

// readLeaf reads the agent's certificate from its identity file.
func readLeaf(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("%s does not start with a certificate", path)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// logLine is the first line of out that holds s.
func logLine(out, s string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}
