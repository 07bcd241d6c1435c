package revocation_test

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// push posts a revocation push with the world's API token and the given
// agent token.
func (w *agentWorld) push(agentToken string, body []byte) int {
	return w.pushAs(w.apiKey, agentToken, body)
}

func (w *agentWorld) pushAs(apiKey, agentToken string, body []byte) int {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.url+"/api/v1/agent/revocation", bytes.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set(wire.AgentTokenHeader, agentToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func pushJSON(t *testing.T, p wire.RevocationPush) []byte {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRevocationPushRefused: a push for a fetch the agent was not asked
// (unknown, another agent's, another organization's) answers 404 and
// changes nothing; a forged CRL leaves the certificate unavailable with
// the reason; a body past the bound answers 413.
func TestRevocationPushRefused(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ca := newCA(t, "Pushed CA "+string(d))
			host := "pushed-" + string(d) + ".example.test"
			leaf, key := ca.issueFor(host, "", ca.srv.URL+"/crl")
			w := newAgentWorld(t, d, host, []*x509.Certificate{leaf, ca.cert}, key)
			sha := fingerprint(leaf)
			w.runAgent("first run")
			_, before := w.refresh("asked", sha)
			fetches, err := w.st.AgentRevocationFetches(w.ctx, w.org.ID, w.agent.ID, 10)
			if err != nil || len(fetches) != 1 {
				t.Fatalf("fetches %+v, %v: want the CRL's", fetches, err)
			}
			id := fetches[0].ID

			// Another agent of the organization, and an agent of another
			// organization with the same API token's scope: neither was asked.
			otherTok, hash, _, _ := auth.NewToken(auth.PrefixAgentToken)
			if _, err := w.st.CreateAgent(w.ctx, w.org.ID, store.Agent{Name: "dc-west", TokenHash: hash, Prefix: "cnl_agt_"}); err != nil {
				t.Fatal(err)
			}
			good := pushJSON(t, wire.RevocationPush{ID: id, Body: ca.crl()})
			for name, c := range map[string]struct {
				token string
				body  []byte
			}{
				"unknown id":    {w.agentTok, pushJSON(t, wire.RevocationPush{ID: "01a228d8-0000-7000-8000-000000000000", Body: ca.crl()})},
				"another agent": {otherTok, good},
				"garbage id":    {w.agentTok, pushJSON(t, wire.RevocationPush{ID: "\x00' OR 1=1 --", Body: ca.crl()})},
			} {
				if code := w.push(c.token, c.body); code != http.StatusNotFound {
					t.Errorf("%s: HTTP %d, want 404", name, code)
				}
			}
			otherKey, otherAgentTok := otherOrganization(t, w)
			if code := w.pushAs(otherKey, otherAgentTok, good); code != http.StatusNotFound {
				t.Errorf("another organization's agent: HTTP %d, want 404", code)
			}
			if _, after := w.settled("refused pushes", sha); after.State != before.State || after.LastError != before.LastError {
				t.Fatalf("status changed by refused pushes: %+v, was %+v", after, before)
			}

			// Too large a body: 413, and the fetch is still there.
			huge := pushJSON(t, wire.RevocationPush{ID: id, Body: bytes.Repeat([]byte{0x30}, wire.MaxCRLBytes/3*4+wire.MaxCRLBytes/2)})
			if code := w.push(w.agentTok, huge); code != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized body: HTTP %d, want 413", code)
			}

			// A CRL signed by another key: unavailable, with the reason.
			forger := newKey(t)
			forgedIssuer := sign(t, &x509.Certificate{Subject: ca.cert.Subject, IsCA: true, BasicConstraintsValid: true,
				KeyUsage: x509.KeyUsageCRLSign}, nil, forger.Public(), forger)
			forged, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(9),
				ThisUpdate: time.Now(), NextUpdate: time.Now().Add(time.Hour)}, forgedIssuer, forger)
			if err != nil {
				t.Fatal(err)
			}
			if code := w.push(w.agentTok, pushJSON(t, wire.RevocationPush{ID: id, Body: forged})); code != http.StatusOK {
				t.Fatalf("forged CRL: HTTP %d, want 200 (recorded as unavailable)", code)
			}
			_, rs := w.settled("forged", sha)
			if rs.State != "unavailable" || !strings.Contains(rs.LastError, "signature does not verify") {
				t.Errorf("after a forged CRL: %+v, want unavailable for its signature", rs)
			}
			if src := w.source("crl", ca.srv.URL+"/crl"); src.AnsweredAt != nil || src.Origin != store.OriginAgent || src.LastError == "" {
				t.Errorf("source %+v, want never answered, failing by the agent's push", src)
			}
			if code := w.push(w.agentTok, good); code != http.StatusNotFound {
				t.Errorf("second push for an answered fetch: HTTP %d, want 404", code)
			}
		})
	}
}

// otherOrganization makes an organization beside w's with an agent, and
// answers its API and agent tokens.
func otherOrganization(t *testing.T, w *agentWorld) (apiKey, agentToken string) {
	t.Helper()
	user, org, err := w.st.CreateAccount(w.ctx, "other-"+w.org.ID+"@example.com", "h", "Other")
	if err != nil {
		t.Fatal(err)
	}
	agentToken, hash, _, _ := auth.NewToken(auth.PrefixAgentToken)
	if _, err := w.st.CreateAgent(w.ctx, org.ID, store.Agent{Name: "dc-east", TokenHash: hash, Prefix: "cnl_agt_"}); err != nil {
		t.Fatal(err)
	}
	apiKey, hash, _, _ = auth.NewToken(auth.PrefixAPIToken)
	if _, err := w.st.CreateAPIToken(w.ctx, org.ID, store.APIToken{Name: "agent", Scope: store.ScopeAgent, TokenHash: hash,
		Prefix: "cnl_api_", CreatedBy: &user.ID}); err != nil {
		t.Fatal(err)
	}
	return apiKey, agentToken
}

// TestPrivateAddressWithoutAgent: a certificate only the server checks,
// whose CRL is at an address the guard refuses, is unavailable for its
// private address, and no agent is asked.
func TestPrivateAddressWithoutAgent(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := t.Context()
			st := storetest.Open(t, d, store.Options{})
			org := newOrganization(t, st, "private@example.com", "Private")
			ca := newCA(t, "Unreachable CA "+string(d))
			leaf, key := ca.issueFor("private.example.test", "", ca.srv.URL+"/crl")
			serveDomain(t, st, org.ID, "private.example.test", []*x509.Certificate{leaf, ca.cert}, key, nil)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			if err := endpointChecker(st, monitor.NewIngester(st, nil, log), log).Run(ctx); err != nil {
				t.Fatal(err)
			}
			r := &revocation.Refresher{Store: st, Checker: revocation.NewChecker(netguard.New(false).HTTPClient(30*time.Second), nil, 5*time.Second),
				Log: log, Batch: 10, MaxBatches: 1, Concurrency: 1}
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := st.RevocationStatuses(ctx, org.ID, []string{fingerprint(leaf)})
			if err != nil {
				t.Fatal(err)
			}
			if rs := got[fingerprint(leaf)]; rs.State != "unavailable" || !strings.HasPrefix(rs.LastError, "private address: ") {
				t.Errorf("status %+v, want unavailable: private address", rs)
			}
			if n := ca.requests.Load(); n != 0 {
				t.Errorf("the server reached the CA %d times", n)
			}
		})
	}
}
