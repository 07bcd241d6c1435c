package revocation_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/server/internal/tlstest"
	"certinel.dev/shared/wire"
)

// closedOCSP is where the stapling tests' certificates say their responder
// is: nothing listens on port 1, so any answer they get came stapled.
const closedOCSP = "http://127.0.0.1:1/ocsp"

// staple signs an OCSP response of the CA for serial, as a server staples it.
func (ca *testCA) staple(t *testing.T, serial *big.Int, status int, thisUpdate, nextUpdate time.Time, key crypto.Signer) []byte {
	t.Helper()
	tmpl := ocsp.Response{Status: status, SerialNumber: serial, ThisUpdate: thisUpdate, NextUpdate: nextUpdate}
	if status == ocsp.Revoked {
		tmpl.RevokedAt, tmpl.RevocationReason = thisUpdate.Add(-time.Hour), ocsp.KeyCompromise
	}
	der, err := ocsp.CreateResponse(ca.cert, ca.cert, tmpl, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestStapledOCSP: an agent's result carrying the OCSP response its server
// stapled. A good or revoked one is the leaf's status, source "stapled",
// with no request to the responder; revoked makes the domain invalid and
// raises invalid_chain like a fetched revocation. A staple that does not
// verify records nothing but why, and the result is stored and judged as
// without it.
func TestStapledOCSP(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ingester := monitor.NewIngester(st, nil, log)
			evaluator := alerts.NewEvaluator(st, "https://certinel.example", log, nil)
			ca := newCA(t, "Stapling CA "+string(d))
			other := newKey(t)
			now := time.Now().UTC().Truncate(time.Second)

			cases := []struct {
				name string
				// staple makes the staple for the leaf.
				staple func(leaf *x509.Certificate) []byte
				// known, when set, is the status fetched before the staple.
				known string
				state string // what it is after: "pending" when nothing is trusted from the staple
				// stapleError is part of the reason a staple is not trusted.
				stapleError string
			}{
				{name: "good", state: "good", staple: func(l *x509.Certificate) []byte {
					return ca.staple(t, l.SerialNumber, ocsp.Good, now.Add(-time.Hour), now.Add(72*time.Hour), ca.key)
				}},
				{name: "revoked", state: "revoked", staple: func(l *x509.Certificate) []byte {
					return ca.staple(t, l.SerialNumber, ocsp.Revoked, now.Add(-time.Hour), now.Add(72*time.Hour), ca.key)
				}},
				{name: "wrong key", known: "good", state: "good", stapleError: "does not verify", staple: func(l *x509.Certificate) []byte {
					return ca.staple(t, l.SerialNumber, ocsp.Good, now.Add(-time.Hour), now.Add(72*time.Hour), other)
				}},
				{name: "another serial", state: "pending", stapleError: "does not verify", staple: func(l *x509.Certificate) []byte {
					return ca.staple(t, new(big.Int).Add(l.SerialNumber, big.NewInt(1)), ocsp.Revoked, now.Add(-time.Hour), now.Add(72*time.Hour), ca.key)
				}},
				{name: "expired", state: "pending", stapleError: "expired on", staple: func(l *x509.Certificate) []byte {
					return ca.staple(t, l.SerialNumber, ocsp.Revoked, now.Add(-72*time.Hour), now.Add(-time.Hour), ca.key)
				}},
				{name: "not DER", state: "pending", stapleError: "does not verify", staple: func(*x509.Certificate) []byte {
					return []byte("\x00not an OCSP response\xff")
				}},
			}
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					org := newOrganization(t, st, "staple"+string(rune('a'+i))+"@example.com", "Stapling "+tc.name)
					caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
					if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "Internal", PEM: caPEM, Certificates: 1}); err != nil {
						t.Fatal(err)
					}
					host := "stapled.example.test"
					leaf, _ := ca.issueFor(host, closedOCSP, "")
					dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: host, Port: 443, Protocol: "tls"})
					if err != nil {
						t.Fatal(err)
					}
					staple := tc.staple(leaf)
					sha := fingerprint(leaf)
					if tc.known != "" {
						checked := clk.Now()
						if err := st.SaveRevocationStatus(ctx, store.RevocationStatus{OrganizationID: org.ID, SHA256: sha, State: tc.known,
							Source: "ocsp", CheckedAt: &checked, NextCheckAt: checked.Add(time.Hour)}); err != nil {
							t.Fatal(err)
						}
					}
					ingest := func(batch string) {
						t.Helper()
						res := wire.Result{TargetID: dom.ID, Address: "127.0.0.1:443", ObservedAt: clk.Now(), TLSVersion: "TLS 1.3",
							Chain:      []string{base64.StdEncoding.EncodeToString(leaf.Raw), base64.StdEncoding.EncodeToString(ca.cert.Raw)},
							OCSPStaple: base64.StdEncoding.EncodeToString(staple)}
						resp, err := ingester.Ingest(ctx, monitor.Source{OrgID: org.ID, Targets: map[string]store.Domain{dom.ID: dom}},
							wire.ResultsRequest{BatchID: batch, Results: []wire.Result{res}})
						if err != nil || resp.Accepted != 1 {
							t.Fatalf("ingest %s: %+v (%v), want the result accepted", batch, resp, err)
						}
					}
					ingest(org.ID + "-1")
					if err := evaluator.Run(ctx); err != nil {
						t.Fatal(err)
					}
					got, err := st.RevocationStatuses(ctx, org.ID, []string{sha})
					if err != nil {
						t.Fatal(err)
					}
					rs := got[sha]
					if rs.State != tc.state || !strings.Contains(rs.StapleError, tc.stapleError) || (tc.stapleError == "") != (rs.StapleError == "") {
						t.Fatalf("status %s (source %q), staple error %q; want %s, error with %q", rs.State, rs.Source, rs.StapleError, tc.state, tc.stapleError)
					}
					if tc.known != "" && rs.Source != "ocsp" {
						t.Errorf("source %q, want the fetched answer's kept", rs.Source)
					}
					if tc.stapleError == "" && (rs.Source != "stapled" || rs.NextUpdate == nil || !rs.NextUpdate.Equal(now.Add(72*time.Hour))) {
						t.Errorf("source %q next update %v, want stapled with the staple's", rs.Source, rs.NextUpdate)
					}
					if want := clk.Now().Add(revocation.MaxRecheck); tc.stapleError == "" && (rs.NextCheckAt.After(want) || rs.NextCheckAt.Before(want.Add(-time.Minute))) {
						t.Errorf("next check at %s, want the staple's next update clamped to a day", rs.NextCheckAt)
					}
					v, err := st.GetDomain(ctx, org.ID, dom.ID, 0)
					if err != nil {
						t.Fatal(err)
					}
					alerted, _, err := st.ListAlerts(ctx, org.ID, store.AlertFilter{Type: notify.TypeInvalidChain}, store.Page{Number: 1, PerPage: 10})
					if err != nil {
						t.Fatal(err)
					}
					if tc.state == "revoked" {
						if v.Status != lifecycle.StatusInvalid || !slices.Contains(v.Problems, lifecycle.ProblemRevoked) {
							t.Errorf("domain %s %v, want invalid with revoked", v.Status, v.Problems)
						}
						if len(alerted) != 1 || !strings.Contains(alerted[0].Payload, `"problem":"revoked"`) {
							t.Errorf("alerts %+v, want one for the revoked chain", alerted)
						}
						return
					}
					if v.Status != lifecycle.StatusOK || len(alerted) != 0 {
						t.Errorf("domain %s %v with %d alerts, want ok: the staple changes nothing else", v.Status, v.Problems, len(alerted))
					}

					// The same staple again is not verified again: the status
					// keeps the time it was first read.
					checked := rs.CheckedAt
					clk.Advance(time.Minute)
					ingest(org.ID + "-2")
					got, err = st.RevocationStatuses(ctx, org.ID, []string{sha})
					if err != nil {
						t.Fatal(err)
					}
					if again := got[sha]; again.StapleError != rs.StapleError || !samePtrTime(again.CheckedAt, checked) {
						t.Errorf("after the same staple: checked at %v, error %q; want untouched", again.CheckedAt, again.StapleError)
					}
					if tc.state != "good" || tc.known != "" {
						return
					}
					// When due, the refresher cannot reach the responder (a
					// private one): the stapled answer, still current, stands.
					clk.Advance(revocation.MaxRecheck + time.Minute)
					r := &revocation.Refresher{Store: st, Checker: newChecker(clk.Now, 2*time.Second), Log: log, Batch: 10, MaxBatches: 2, Concurrency: 2}
					if err := r.Run(ctx); err != nil {
						t.Fatal(err)
					}
					got, err = st.RevocationStatuses(ctx, org.ID, []string{sha})
					if err != nil {
						t.Fatal(err)
					}
					if after := got[sha]; after.State != "good" || after.Source != "stapled" || after.LastError == "" || after.Failures != 1 {
						t.Errorf("after an unreachable responder: %s from %q (error %q, %d failures), want the stapled good kept, the failure noted",
							after.State, after.Source, after.LastError, after.Failures)
					}
				})
			}
		})
	}
}

func samePtrTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// TestStapledByServerCheck: the server's own check of a public endpoint
// carries the staple too; the responder is never asked.
func TestStapledByServerCheck(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d, store.Options{})
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			org := newOrganization(t, st, "checked@example.com", "Checked")
			ca := newCA(t, "Checked CA "+string(d))
			host := "checked.example.test"
			leaf, key := ca.issueFor(host, ca.srv.URL+"/ocsp", "")
			now := time.Now().UTC()
			staple := ca.staple(t, leaf.SerialNumber, ocsp.Good, now.Add(-time.Hour), now.Add(48*time.Hour), ca.key)
			if _, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "127.0.0.1", Protocol: "tls", SNI: host,
				Port: tlstest.ServeStapled(t, []*x509.Certificate{leaf, ca.cert}, key, staple)}); err != nil {
				t.Fatal(err)
			}
			if err := endpointChecker(st, monitor.NewIngester(st, nil, log), log).Run(ctx); err != nil {
				t.Fatal(err)
			}
			sha := fingerprint(leaf)
			got, err := st.RevocationStatuses(ctx, org.ID, []string{sha})
			if err != nil {
				t.Fatal(err)
			}
			if rs := got[sha]; rs.State != "good" || rs.Source != "stapled" || rs.StapleError != "" || ca.ocspRequests.Load() != 0 {
				t.Errorf("status %s from %q (staple error %q), %d OCSP requests; want good from the staple, none asked",
					rs.State, rs.Source, rs.StapleError, ca.ocspRequests.Load())
			}
		})
	}
}

// A server that starts stapling a revoked answer while it keeps serving
// the same chain: the check is not a repeat of the one before, whose
// verdict the staple changes.
func TestStapleChangeOnUnchangedChain(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			clk := &storetest.Clock{}
			st := storetest.Open(t, d, store.Options{Now: clk.Now})
			ingester := monitor.NewIngester(st, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			ca := newCA(t, "Restapling CA "+string(d))
			org := newOrganization(t, st, "restaple@example.com", "Restapling")
			caPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}))
			if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "Internal", PEM: caPEM, Certificates: 1}); err != nil {
				t.Fatal(err)
			}
			host := "restapled.example.test"
			leaf, _ := ca.issueFor(host, closedOCSP, "")
			agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "inside"})
			if err != nil {
				t.Fatal(err)
			}
			dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: host, Port: 443, Protocol: "tls", AgentID: &agent.ID})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC().Truncate(time.Second)
			for i, status := range []int{ocsp.Good, ocsp.Good, ocsp.Revoked} {
				staple := ca.staple(t, leaf.SerialNumber, status, now.Add(-time.Hour+time.Duration(i)*time.Second), now.Add(72*time.Hour), ca.key)
				res := wire.Result{TargetID: dom.ID, Address: "127.0.0.1:443", ObservedAt: clk.Now(), TLSVersion: "TLS 1.3",
					Chain:      []string{base64.StdEncoding.EncodeToString(leaf.Raw), base64.StdEncoding.EncodeToString(ca.cert.Raw)},
					OCSPStaple: base64.StdEncoding.EncodeToString(staple)}
				resp, err := ingester.IngestAgent(ctx, agent,
					wire.ResultsRequest{BatchID: fmt.Sprintf("restaple-%d", i), Results: []wire.Result{res}})
				if err != nil || resp.Accepted != 1 {
					t.Fatalf("ingest %d: %+v (%v), want the result accepted", i, resp, err)
				}
				clk.Advance(time.Minute)
			}
			v, err := st.GetDomain(ctx, org.ID, dom.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if v.Status != lifecycle.StatusInvalid || !slices.Contains(v.Problems, lifecycle.ProblemRevoked) {
				t.Errorf("domain %s %v after a revoked staple on the same chain, want invalid with revoked", v.Status, v.Problems)
			}
		})
	}
}
