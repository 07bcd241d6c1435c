package revocation_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/httpapi"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// agentBinary builds certinel-agent once for the package's tests: the
// real agent, as shipped, pulls and pushes.
var agentBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "certinel-agent-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "certinel-agent")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/certinel-agent")
	cmd.Dir = filepath.Join("..", "..", "..", "agent")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return bin, nil
})

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string {
	return "go build certinel-agent: " + e.err.Error() + "\n" + e.out
}

// agentWorld is an organization whose agent checks an endpoint of an
// internal CA, the server behind its HTTP API with a refresher whose
// guard refuses loopback, where the CA's CRL and responder are.
type agentWorld struct {
	t         *testing.T
	ctx       context.Context
	st        *store.Store
	clk       *storetest.Clock
	org       store.Organization
	agent     store.Agent
	dom       store.Domain
	url       string
	apiKey    string
	agentTok  string
	refresher *revocation.Refresher
	rejudger  *monitor.Rejudger
	evaluator *alerts.Evaluator
	bin       string
	spool     string
}

func newAgentWorld(t *testing.T, d store.Dialect, host string, chain []*x509.Certificate, key crypto.Signer) *agentWorld {
	t.Helper()
	bin, err := agentBinary()
	if err != nil {
		t.Fatal(err)
	}
	w := &agentWorld{t: t, ctx: context.Background(), clk: &storetest.Clock{}, bin: bin, spool: filepath.Join(t.TempDir(), "spool")}
	w.st = storetest.Open(t, d, store.Options{Now: w.clk.Now})
	user, org, err := w.st.CreateAccount(w.ctx, host+"@example.com", "h", host)
	if err != nil {
		t.Fatal(err)
	}
	w.org = org
	var hash string
	w.agentTok, hash, _, _ = auth.NewToken(auth.PrefixAgentToken)
	if w.agent, err = w.st.CreateAgent(w.ctx, w.org.ID, store.Agent{Name: "dc-east", TokenHash: hash, Prefix: "cnl_agt_"}); err != nil {
		t.Fatal(err)
	}
	w.apiKey, hash, _, _ = auth.NewToken(auth.PrefixAPIToken)
	if _, err := w.st.CreateAPIToken(w.ctx, w.org.ID, store.APIToken{Name: "agent", Scope: store.ScopeAgent, TokenHash: hash, Prefix: "cnl_api_",
		CreatedBy: &user.ID}); err != nil {
		t.Fatal(err)
	}
	caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: chain[len(chain)-1].Raw}))
	if _, err := w.st.CreateCABundle(w.ctx, w.org.ID, store.CABundle{Name: "Internal", PEM: caPEM, Certificates: 1}); err != nil {
		t.Fatal(err)
	}
	w.dom = serveDomain(t, w.st, w.org.ID, host, chain, key, &w.agent.ID)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ingester := monitor.NewIngester(w.st, nil, log)
	w.rejudger = monitor.NewRejudger(w.st, ingester, log)
	w.evaluator = alerts.NewEvaluator(w.st, "https://certinel.example", log, nil)
	// No CERTINEL_ALLOW_PRIVATE_TARGETS: the server may not reach the CA.
	w.refresher = &revocation.Refresher{Store: w.st, Checker: revocation.NewChecker(netguard.New(false).HTTPClient(30*time.Second), w.clk.Now, 5*time.Second),
		Log: log, Changed: w.rejudger.Request, Batch: 10, MaxBatches: 2, Concurrency: 2}
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{Store: w.st, Ingester: ingester, Log: log, Revocations: w.refresher}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

// runAgent runs "certinel-agent once": it pulls its targets, handshakes,
// pushes the results, and fetches what the server asked.
func (w *agentWorld) runAgent(step string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.bin, "once")
	cmd.Dir = filepath.Dir(w.spool)
	cmd.Env = []string{"CERTINEL_SERVER_URL=" + w.url, "CERTINEL_AGENT_TOKEN=" + w.agentTok, "CERTINEL_API_KEY=" + w.apiKey,
		"CERTINEL_SPOOL_DIR=" + w.spool, "CERTINEL_TIMEOUT=5s", "CERTINEL_LOG_LEVEL=debug"}
	if out, err := cmd.CombinedOutput(); err != nil {
		w.t.Fatalf("%s: certinel-agent once: %v\n%s", step, err, out)
	}
}

// refresh runs the revocation job, the judging it asks for and the alert
// evaluation, and answers the domain and its leaf's status.
func (w *agentWorld) refresh(step, sha string) (store.DomainView, store.RevocationStatus) {
	w.t.Helper()
	if err := w.refresher.Run(w.ctx); err != nil {
		w.t.Fatalf("%s: %v", step, err)
	}
	return w.settled(step, sha)
}

// settled runs what a push may have asked for and answers as refresh.
func (w *agentWorld) settled(step, sha string) (store.DomainView, store.RevocationStatus) {
	w.t.Helper()
	if err := w.rejudger.RunPending(w.ctx); err != nil {
		w.t.Fatalf("%s: %v", step, err)
	}
	if err := w.evaluator.Run(w.ctx); err != nil {
		w.t.Fatalf("%s: %v", step, err)
	}
	v, err := w.st.GetDomain(w.ctx, w.org.ID, w.dom.ID, 0)
	if err != nil {
		w.t.Fatalf("%s: %v", step, err)
	}
	got, err := w.st.RevocationStatuses(w.ctx, w.org.ID, []string{sha})
	if err != nil {
		w.t.Fatalf("%s: %v", step, err)
	}
	return v, got[sha]
}

// source answers the organization's record of the URL.
func (w *agentWorld) source(kind, u string) store.RevocationSource {
	w.t.Helper()
	got, err := w.st.RevocationSourcesByURL(w.ctx, w.org.ID, kind, []string{u})
	if err != nil {
		w.t.Fatal(err)
	}
	return got[u]
}

// TestPrivateRevocationThroughAgent: an internal CA publishes its CRL (and,
// in the second case, answers OCSP) on loopback, which the server's guard
// refuses. The real agent checking the CA's endpoint is asked to fetch
// it, pushes what it got, and the server verifies it: good, then revoked
// once the CA revokes, which makes the domain invalid with an alert. The
// source is recorded as fetched by the agent.
func TestPrivateRevocationThroughAgent(t *testing.T) {
	for _, d := range storetest.Dialects {
		for _, kind := range []string{"crl", "ocsp"} {
			t.Run(string(d)+"/"+kind, func(t *testing.T) {
				ca := newCA(t, "Private CA "+kind+" "+string(d))
				host := "private-" + kind + "-" + string(d) + ".example.test"
				// With a responder, both it and the CRL are asked for.
				ocspURL, u, asked := "", ca.srv.URL+"/crl", ca.srv.URL+"/crl"
				if kind == "ocsp" {
					ocspURL = ca.srv.URL + "/ocsp"
					u, asked = ocspURL, ocspURL+" and "+asked
				}
				leaf, key := ca.issueFor(host, ocspURL, ca.srv.URL+"/crl")
				w := newAgentWorld(t, d, host, []*x509.Certificate{leaf, ca.cert}, key)
				sha := fingerprint(leaf)

				w.runAgent("first run")
				v, rs := w.refresh("asked", sha)
				if v.Status != lifecycle.StatusOK || rs.State != "waiting" || rs.LastError != "waiting for agent dc-east to fetch "+asked {
					t.Fatalf("before the agent fetched: domain %s %v, status %+v, want ok and waiting for dc-east to fetch %s", v.Status, v.Problems, rs, asked)
				}
				if n := ca.requests.Load(); n != 0 {
					t.Fatalf("the server reached the CA %d times", n)
				}

				w.runAgent("agent fetches")
				v, rs = w.settled("answered", sha)
				if v.Status != lifecycle.StatusOK || rs.State != "good" || rs.Source != kind || rs.LastError != "" {
					t.Fatalf("after the agent pushed: domain %s, status %+v, want ok and good by %s", v.Status, rs, kind)
				}
				if src := w.source(kind, u); src.Origin != store.OriginAgent || src.AgentID != w.agent.ID || src.AnsweredAt == nil {
					t.Errorf("source %+v, want answered, fetched by agent %s", src, w.agent.ID)
				}

				revokedAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
				ca.revoke(leaf, ocsp.KeyCompromise, revokedAt)
				ca.publish(2, time.Now().Add(7*24*time.Hour+time.Minute))
				w.clk.Advance(revocation.MaxRecheck + time.Minute)
				w.refresh("asked again", sha)
				w.runAgent("agent fetches again")
				v, rs = w.settled("revoked", sha)
				if v.Status != lifecycle.StatusInvalid || !slices.Contains(v.Problems, lifecycle.ProblemRevoked) {
					t.Fatalf("after revocation: domain %s %v, want invalid with revoked", v.Status, v.Problems)
				}
				if rs.State != "revoked" || rs.Reason != "key_compromise" || rs.RevokedAt == nil || !rs.RevokedAt.Equal(revokedAt) {
					t.Errorf("status %+v, want revoked for key compromise at %s", rs, revokedAt)
				}
				list, _, err := w.st.ListAlerts(w.ctx, w.org.ID, store.AlertFilter{Type: notify.TypeInvalidChain}, store.Page{Number: 1, PerPage: 10})
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != 1 || !strings.Contains(list[0].Payload, `"problem":"revoked"`) {
					t.Fatalf("alerts %+v, want one for the revoked chain", list)
				}
			})
		}
	}
}
