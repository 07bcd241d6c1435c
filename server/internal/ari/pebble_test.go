package ari_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/acme"

	"certinel.dev/server/internal/netguard"
)

// pebbleBinary builds Pebble, the ACME test server of Let's Encrypt, once
// per test binary from the module cache (it is a tool of the server
// module). A test skips only when the module cannot be found.
var pebbleBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "certinel-pebble-")
	if err != nil {
		return "", err
	}
	pebbleDir = dir
	bin := filepath.Join(dir, "pebble")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/letsencrypt/pebble/v2/cmd/pebble")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build pebble: %v\n%s", err, out)
	}
	return bin, nil
})

// pebbleDir holds the built binary, removed when the tests end.
var pebbleDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if pebbleDir != "" {
		os.RemoveAll(pebbleDir)
	}
	os.Exit(code)
}

// pebbleModuleDir is where Pebble's test certificates are.
func pebbleModuleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/letsencrypt/pebble/v2").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Skipf("pebble module not available: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// pebble is a running Pebble on loopback.
type pebble struct {
	Directory string
	// Roots trusts Pebble's own HTTPS certificate, whose CA is RootPEM.
	Roots   *x509.CertPool
	RootPEM string
}

// startPebble runs Pebble on free loopback ports until the test ends. It
// validates every challenge without contacting anyone
// (PEBBLE_VA_ALWAYS_VALID), so no challenge server is needed.
func startPebble(t *testing.T) pebble {
	t.Helper()
	mod := pebbleModuleDir(t)
	bin, err := pebbleBinary()
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(mod, "cmd", "pebble")); statErr != nil {
			t.Skipf("pebble sources not available: %v", err)
		}
		t.Fatal(err)
	}
	acmeAddr, mgmtAddr := freeLoopbackAddr(t), freeLoopbackAddr(t)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress":                  acmeAddr,
		"managementListenAddress":        mgmtAddr,
		"certificate":                    filepath.Join(mod, "test", "certs", "localhost", "cert.pem"),
		"privateKey":                     filepath.Join(mod, "test", "certs", "localhost", "key.pem"),
		"httpPort":                       5002,
		"tlsPort":                        5001,
		"ocspResponderURL":               "",
		"externalAccountBindingRequired": false,
		"profiles":                       map[string]any{"default": map[string]any{"description": "test", "validityPeriod": 7776000}},
	}}
	cfgPath := filepath.Join(t.TempDir(), "pebble.json")
	raw, _ := json.Marshal(cfg)
	if err := os.WriteFile(cfgPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-config", cfgPath, "-dnsserver", "127.0.0.1:1")
	cmd.Env = append(os.Environ(), "PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("pebble output:\n%s", logs.String())
		}
	})

	pem, err := os.ReadFile(filepath.Join(mod, "test", "certs", "pebble.minica.pem"))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	p := pebble{Directory: "https://" + acmeAddr + "/dir", Roots: roots, RootPEM: string(pem)}
	waitReady(t, p)
	return p
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls the directory, at most for 20 seconds.
func waitReady(t *testing.T, p pebble) {
	t.Helper()
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots}}}
	for range 200 {
		resp, err := hc.Get(p.Directory)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("pebble did not answer at %s", p.Directory)
}

// guardedClient is the HTTP client the server would use, through the SSRF
// guard with private addresses allowed (Pebble is on loopback), trusting
// Pebble's HTTPS certificate.
func (p pebble) guardedClient(allowPrivate bool) *http.Client {
	hc := netguard.New(allowPrivate).HTTPClient(10 * time.Second)
	hc.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: p.Roots}
	return hc
}

// acmeAccount is an ACME client with a registered account.
type acmeAccount struct {
	*acme.Client
}

func (p pebble) account(t *testing.T) acmeAccount {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := &acme.Client{Key: key, DirectoryURL: p.Directory,
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.Roots}}}}
	if _, err := c.Register(t.Context(), &acme.Account{}, acme.AcceptTOS); err != nil {
		t.Fatalf("register: %v", err)
	}
	return acmeAccount{c}
}

// issue obtains a certificate for name; it returns the chain, leaf first.
func (a acmeAccount) issue(t *testing.T, name string) []*x509.Certificate {
	t.Helper()
	chain, _ := a.issueWithKey(t, name)
	return chain
}

// issueWithKey is issue that also returns the certificate's private key.
func (a acmeAccount) issueWithKey(t *testing.T, name string) ([]*x509.Certificate, crypto.Signer) {
	t.Helper()
	ctx := t.Context()
	order, err := a.AuthorizeOrder(ctx, acme.DomainIDs(name))
	if err != nil {
		t.Fatalf("order: %v", err)
	}
	for _, u := range order.AuthzURLs {
		authz, err := a.GetAuthorization(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range authz.Challenges {
			if ch.Type == "http-01" {
				if _, err := a.Accept(ctx, ch); err != nil {
					t.Fatalf("accept: %v", err)
				}
				break
			}
		}
		if _, err := a.WaitAuthorization(ctx, u); err != nil {
			t.Fatalf("authorization: %v", err)
		}
	}
	ready, err := a.WaitOrder(ctx, order.URI)
	if err != nil {
		t.Fatalf("order ready: %v", err)
	}
	ready.URI = order.URI // Pebble sends no Location on a POST-as-GET
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{name}}, crypto.Signer(key))
	if err != nil {
		t.Fatal(err)
	}
	ders, _, err := a.CreateCertFromOrder(ctx, ready, csr, true)
	if err != nil {
		t.Fatalf("finalize: %v", err)
	}
	chain := make([]*x509.Certificate, len(ders))
	for i, der := range ders {
		if chain[i], err = x509.ParseCertificate(der); err != nil {
			t.Fatal(err)
		}
	}
	return chain, key
}

func (a acmeAccount) revoke(t *testing.T, leaf *x509.Certificate) {
	t.Helper()
	if err := a.RevokeCert(t.Context(), nil, leaf.Raw, acme.CRLReasonKeyCompromise); err != nil {
		t.Fatalf("revoke: %v", err)
	}
}
