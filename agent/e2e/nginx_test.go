package e2e_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nginxExample is the documented nginx configuration this test runs.
const nginxExample = "../../docs/nginx-agent-mtls.conf"

// TestAgentBehindNginx runs the documented nginx example in front of the
// real server: nginx terminates TLS and relays the agent's client
// certificate in a header, which the server believes from nginx only. The
// real agent enrolls through it, pushes by certificate alone, a request
// that forges the header without a certificate is refused, and so is the
// agent once revoked.
func TestAgentBehindNginx(t *testing.T) {
	nginx := nginxBinary(t)
	dir := t.TempDir()
	srv := startServer(t, "http", &http.Client{Timeout: 10 * time.Second},
		[]string{"CERTINEL_TRUSTED_PROXIES=127.0.0.1", "CERTINEL_CLIENT_CERT_HEADER=X-SSL-Client-Cert"})

	web := newPKI(t) // nginx's HTTPS certificate
	proxyCert := web.leaf(t, net.IPv4(127, 0, 0, 1), 90)
	certFile, keyFile, rootFile := filepath.Join(dir, "proxy.pem"), filepath.Join(dir, "proxy.key"), filepath.Join(dir, "root.pem")
	writePEMs(t, certFile, proxyCert)
	writeFile(t, keyFile, keyPEM(t, proxyCert))
	writeFile(t, rootFile, []byte(web.rootPEM))
	proxyURL := startNginx(t, nginx, dir, srv.url, certFile, keyFile)

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(web.rootPEM))
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	u := signupVia(t, proxyURL, transport) // the dashboard's API goes through nginx too
	targets := newPKI(t)
	u.uploadCABundle("E2E private CA", targets.rootPEM)
	cred := u.createAgent("behind-nginx")
	var join struct {
		Token string `json:"token"`
	}
	u.call(http.MethodPost, "/api/v1/agents/"+cred.agentID+"/join-tokens", nil, http.StatusCreated, &join)

	env := []string{"CERTINEL_CA_FILE=" + rootFile, "CERTINEL_SPOOL_DIR=" + filepath.Join(dir, "spool"), "CERTINEL_TIMEOUT=3s"}
	p := start(t, "certinel-agent enroll", dir, agentBin, env, "enroll", "--server", proxyURL, "--join-token", join.Token)
	if code := p.wait(30 * time.Second); code != 0 {
		t.Fatalf("enroll through nginx: exit %d:\n%s", code, p.out.String())
	}
	id := u.addTLSDomain(serveTLS(t, "127.0.0.1:0", targets.leaf(t, net.IPv4(127, 0, 0, 1), 90)), cred.agentID)
	once := func() (int, string) {
		p := start(t, "certinel-agent once", dir, agentBin, append([]string{"CERTINEL_SERVER_URL=" + proxyURL}, env...), "once")
		return p.wait(30 * time.Second), p.out.String()
	}
	if code, out := once(); code != 0 {
		t.Fatalf("once through nginx by certificate: exit %d:\n%s", code, out)
	}
	if d := u.domain(id); d.Status != "ok" {
		t.Errorf("domain after the agent's push through nginx: status %q, want ok", d.Status)
	}

	// A client without a certificate that sends the header itself: nginx
	// overwrites it with its (empty) variable, so the server sees none.
	identity, err := os.ReadFile(filepath.Join(dir, "spool", "agent-identity.pem"))
	if err != nil {
		t.Fatal(err)
	}
	leafPEM, _, _ := strings.Cut(string(identity), "-----END CERTIFICATE-----")
	leafPEM = leafPEM[strings.Index(leafPEM, "-----BEGIN CERTIFICATE-----"):] + "-----END CERTIFICATE-----\n"
	req, _ := http.NewRequest(http.MethodGet, proxyURL+"/api/v1/agent/targets", nil)
	req.Header.Set("X-SSL-Client-Cert", url.PathEscape(leafPEM))
	resp, err := (&http.Client{Transport: transport, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("forged header without a certificate: status %d, want 401", resp.StatusCode)
	}

	u.call(http.MethodPost, "/api/v1/agents/"+cred.agentID+"/certificate/revoke", nil, http.StatusOK, nil)
	if code, out := once(); code != 1 || !strings.Contains(out, "client_certificate_refused") {
		t.Errorf("once through nginx after revocation: exit %d, want 1 with the refusal:\n%s", code, out)
	}
}

// startNginx runs the documented example on a free loopback port in front
// of upstream, with the given certificate, and returns its https URL.
func startNginx(t *testing.T, nginx, dir, upstream, certFile, keyFile string) string {
	t.Helper()
	example, err := os.ReadFile(nginxExample)
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(freePort(t))
	site := strings.NewReplacer(
		"listen 443 ssl;", "listen 127.0.0.1:"+port+" ssl;",
		"/etc/certinel/server.pem", certFile,
		"/etc/certinel/server.key", keyFile,
		"http://127.0.0.1:8080", upstream,
	).Replace(string(example))
	if !strings.Contains(site, upstream) || !strings.Contains(site, port) {
		t.Fatalf("%s no longer has the lines this test adapts", nginxExample)
	}
	return runNginx(t, nginx, dir, port, site)
}

// nginxBinary finds nginx, skipping the test where it is not installed.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if nginx, err := exec.LookPath("nginx"); err == nil {
		return nginx
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
		t.Skip("nginx not installed (.ci/run installs nginx-light)")
	}
	return "/usr/sbin/nginx"
}

// runNginx runs nginx unprivileged with the http servers in site, all its
// files in dir, until the test ends, and returns once it listens on the
// loopback port.
func runNginx(t *testing.T, nginx, dir, port, site string) string {
	t.Helper()
	conf := filepath.Join(dir, "nginx.conf")
	writeFile(t, conf, []byte("daemon off;\npid "+filepath.Join(dir, "nginx.pid")+";\nerror_log "+filepath.Join(dir, "nginx-error.log")+
		";\nevents {}\nhttp {\naccess_log off;\nclient_body_temp_path "+filepath.Join(dir, "body")+";\nproxy_temp_path "+
		filepath.Join(dir, "proxy")+";\n"+site+"\n}\n"))
	p := start(t, "nginx", dir, nginx, nil, "-c", conf, "-e", filepath.Join(dir, "nginx-error.log"))
	// A killed master leaves its workers holding the output pipe, and the
	// process would never be reaped: ask the master to stop them first
	// (this cleanup runs before start's).
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		p.wait(10 * time.Second)
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
			c.Close()
			return "https://127.0.0.1:" + port
		}
		if !p.running() {
			log, _ := os.ReadFile(filepath.Join(dir, "nginx-error.log"))
			t.Fatalf("nginx exited: %s\n%s", p.out.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("nginx did not listen within 10s")
	return ""
}
