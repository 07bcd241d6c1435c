package e2e_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// server is the certinel-server binary on a loopback port. It can be stopped
// and started again on the same port and database, as after a deploy.
type server struct {
	t    *testing.T
	url  string
	env  []string
	dir  string
	proc *process
	runs int
	// client reaches the server: over HTTPS when it serves TLS itself.
	client *http.Client
}

// newServer prepares a server on SQLite ("sqlite") or on a fresh PostgreSQL
// schema ("postgres") and starts it.
func newServer(t *testing.T, database string) *server {
	t.Helper()
	databaseURL := ""
	if database == "postgres" {
		databaseURL = postgresSchema(t)
	}
	return newReplica(t, databaseURL)
}

// newReplica starts a server on the given PostgreSQL (SQLite when empty):
// several replicas of one database make a cluster.
func newReplica(t *testing.T, databaseURL string) *server {
	t.Helper()
	var env []string
	if databaseURL != "" {
		// Replicas of one database share one secret key, as in production:
		// the agent CA in the database is sealed with it.
		key := sha256.Sum256([]byte(databaseURL))
		env = append(env, "DATABASE_URL="+databaseURL, "CERTINEL_SECRET_KEY="+base64.StdEncoding.EncodeToString(key[:]))
	}
	return startServer(t, "http", http.DefaultClient, env)
}

// startServer starts a server with the extra variables env (SQLite unless
// they set DATABASE_URL), reached over scheme (http, or https when env
// gives it its certificate) with client.
func startServer(t *testing.T, scheme string, client *http.Client, env []string) *server {
	t.Helper()
	port := freePort(t)
	url := scheme + "://127.0.0.1:" + strconv.Itoa(port)
	dir := t.TempDir()
	env = append([]string{
		"CERTINEL_LISTEN_ADDR=127.0.0.1:" + strconv.Itoa(port),
		"CERTINEL_BASE_URL=" + url,
		"CERTINEL_DATA_DIR=" + dir,
		"CERTINEL_LOG_LEVEL=debug",
	}, env...)
	s := &server{t: t, url: url, env: env, dir: dir, client: client}
	s.start()
	return s
}

// start runs the binary and returns once /readyz says the database answers.
func (s *server) start() {
	s.t.Helper()
	s.runs++
	s.proc = start(s.t, fmt.Sprintf("certinel-server (start %d)", s.runs), s.dir, serverBin, s.env)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if !s.proc.running() {
			s.t.Fatalf("certinel-server exited during start-up (code %d)", s.proc.wait(0))
		}
		resp, err := s.client.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("certinel-server not ready at %s/readyz within 20s", s.url)
}

// stop shuts the server down gracefully. It may run outside the test's
// goroutine, so it reports instead of failing the test.
func (s *server) stop() error {
	if code := s.proc.stop(15 * time.Second); code != 0 {
		return fmt.Errorf("certinel-server stopped with exit code %d (-1: killed after 15s)", code)
	}
	return nil
}

// freePort asks the kernel for an unused loopback port. Another process could
// take it before the server binds; on a test machine that is rare enough.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
