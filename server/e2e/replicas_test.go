// Package e2e runs real certinel-server processes against one database.
package e2e_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// TestReplicasSendEachAlertOnce: three server processes share one
// PostgreSQL database; 1,000 domains cross an expiry threshold while their
// results arrive through all three. Every alert is delivered exactly once.
func TestReplicasSendEachAlertOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three server processes")
	}
	const domains = 1000
	bin := buildServer(t)
	dsn := testDSN(t)
	hook := newReceiver(t)

	var replicas []string
	for i := 0; i < 3; i++ {
		replicas = append(replicas, startServer(t, bin, dsn, i))
	}
	api := newClient(t, replicas[0])
	agent, token := api.setUpWebhookAlerts(hook.URL)
	var csv strings.Builder
	csv.WriteString("host,agent\n")
	for i := 0; i < domains; i++ {
		fmt.Fprintf(&csv, "host-%04d.internal,%s\n", i, agent.ID)
	}
	api.raw("POST", "/api/v1/domains/import", []byte(csv.String()), "text/csv", 200)

	// The agent's results go out in batches of 100, spread over the replicas.
	targets := pullTargets(t, replicas[0], token.Token, agent.Token)
	if len(targets) != domains {
		t.Fatalf("%d targets, want %d", len(targets), domains)
	}
	var wg sync.WaitGroup
	for b := 0; b < domains/100; b++ {
		wg.Go(func() {
			pushResults(t, replicas[b%3], token.Token, agent.Token, fmt.Sprintf("batch-%d", b), targets[b*100:(b+1)*100])
		})
	}
	wg.Wait()

	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && hook.count() < domains {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // room for a late duplicate to show
	msgs, distinct := hook.stats()
	if msgs != domains || distinct != domains {
		t.Fatalf("%d messages for %d distinct domains, want exactly %d of each", msgs, distinct, domains)
	}
}

func buildServer(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "certinel-server")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/certinel-server")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// testDSN is a fresh PostgreSQL schema for one test.
func testDSN(t *testing.T) string {
	return storetest.PostgresSchemaURL(t)
}

// sharedKey is the secret key of every replica on one database: replicas
// must share it, as in production.
func sharedKey(dsn string) string {
	sum := sha256.Sum256([]byte(dsn))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// startServer runs one replica and waits until it is ready.
func startServer(t *testing.T, bin, dsn string, i int) string {
	return startServerCmd(t, bin, dsn, i, nil)
}

// startServerCmd is startServer; started, when set, gets the process.
func startServerCmd(t *testing.T, bin, dsn string, i int, started func(*exec.Cmd)) string {
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"CERTINEL_LISTEN_ADDR=127.0.0.1:" + fmt.Sprint(port), "CERTINEL_BASE_URL=" + base, "DATABASE_URL=" + dsn,
		"CERTINEL_DATA_DIR=" + t.TempDir(), "CERTINEL_ALLOW_PRIVATE_TARGETS=true", "CERTINEL_LOG_LEVEL=warn",
		"CERTINEL_SECRET_KEY=" + sharedKey(dsn), "PATH=" + os.Getenv("PATH"),
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if started != nil {
		started(cmd)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("replica %d log:\n%s", i, logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("replica %d not ready:\n%s", i, logs.String())
	return ""
}

// receiver counts webhook messages and the domains they name.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	msgs    int
	domains map[string]int
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{domains: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body struct {
			Events []struct {
				Domain struct{ ID string } `json:"domain"`
			} `json:"events"`
		}
		_ = json.NewDecoder(req.Body).Decode(&body)
		r.mu.Lock()
		r.msgs++
		for _, e := range body.Events {
			r.domains[e.Domain.ID]++
		}
		r.mu.Unlock()
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.msgs
}

func (r *receiver) stats() (msgs, distinct int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.msgs, len(r.domains)
}

type client struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 60 * time.Second}}
}

// agentCreds are an agent's ID and token, or an API token's ID and secret.
type agentCreds struct{ ID, Token string }

// setUpWebhookAlerts signs up, replaces the default rule with one 30-day
// expiring rule sending to the webhook, and creates an agent and an
// agent-scope API token.
func (c *client) setUpWebhookAlerts(webhook string) (agent, token agentCreds) {
	c.signup()
	var rules struct{ Items []struct{ ID string } }
	c.call("GET", "/api/v1/alert-rules", nil, &rules, 200)
	for _, r := range rules.Items {
		c.call("DELETE", "/api/v1/alert-rules/"+r.ID, nil, nil, 204)
	}
	var ch struct{ ID string }
	c.call("POST", "/api/v1/channels", map[string]any{"type": "webhook", "name": "hook", "config": map[string]string{"url": webhook}}, &ch, 201)
	c.call("POST", "/api/v1/alert-rules", map[string]any{"name": "r", "thresholds_days": []int{30}, "events": []string{"expiring"}, "channel_ids": []string{ch.ID}}, nil, 201)
	c.call("POST", "/api/v1/agents", map[string]string{"name": "dc"}, &agent, 201)
	c.call("POST", "/api/v1/tokens", map[string]string{"name": "a", "scope": "agent"}, &token, 201)
	return agent, token
}

func (c *client) signup() {
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	c.call("POST", "/api/v1/auth/signup", map[string]string{"email": "ops@example.com", "password": "a long password", "organization": "Ops"}, &s, 201)
	c.csrf = s.CSRF
}

func (c *client) call(method, path string, body, out any, want int) {
	c.t.Helper()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	resp := c.raw(method, path, b, "application/json", want)
	if out != nil {
		if err := json.Unmarshal(resp, out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (c *client) raw(method, path string, body []byte, contentType string, want int) []byte {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-CSRF-Token", c.csrf)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, out)
	}
	return out
}

func agentRequest(method, url, apiKey, agentToken string, body []byte) (*http.Response, error) {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set(wire.AgentTokenHeader, agentToken)
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

func pullTargets(t *testing.T, base, apiKey, agentToken string) []wire.Target {
	res, err := agentRequest("GET", base+"/api/v1/agent/targets", apiKey, agentToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tr wire.TargetsResponse
	if err := json.NewDecoder(res.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return tr.Targets
}

// pushResults reports a self-signed leaf 20 days from expiry per target.
func pushResults(t *testing.T, base, apiKey, agentToken, batch string, targets []wire.Target) {
	req := wire.ResultsRequest{BatchID: batch}
	for _, tg := range targets {
		req.Results = append(req.Results, wire.Result{TargetID: tg.ID, ObservedAt: time.Now().UTC(), Chain: []string{leaf(t, tg.Host)}})
	}
	body, _ := json.Marshal(req)
	res, err := agentRequest("POST", base+"/api/v1/agent/results", apiKey, agentToken, body)
	if err != nil {
		t.Error(err)
		return
	}
	defer res.Body.Close()
	var out wire.ResultsResponse
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode != 200 || out.Accepted != len(targets) {
		t.Errorf("push %s: %d, accepted %d", batch, res.StatusCode, out.Accepted)
	}
}

func leaf(t *testing.T, host string) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(20 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}
