package httpapi_test

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// serveGroups serves cert over TLS on loopback with only the given key
// exchange groups; it returns the port.
func serveGroups(t *testing.T, cert tls.Certificate, groups ...tls.CurveID) int {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: groups})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				c.(*tls.Conn).Handshake() // the probe closes right after the handshake
			})
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// servingCert issues a leaf for host under the shared test CA, with its key.
func servingCert(t *testing.T, host string) tls.Certificate {
	_, inter, rootDER, interDER := newCA(t)
	key := mustKey(t)
	now := time.Now()
	_, der := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(60 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &inter, key)
	return tls.Certificate{Certificate: [][]byte{der, interDER, rootDER}, PrivateKey: key}
}

type pqDomain struct {
	ID          string `json:"id"`
	TLSVersion  string `json:"tls_version"`
	KeyExchange string `json:"key_exchange"`
	PostQuantum bool   `json:"post_quantum"`
	LastCheck   struct {
		KeyExchange string `json:"key_exchange"`
	} `json:"last_check"`
	Analysis struct {
		Trust struct {
			VerifiedAt time.Time `json:"verified_at"`
		} `json:"trust"`
	} `json:"analysis"`
}

// TestKeyExchangeReadiness probes a post-quantum (X25519MLKEM768) and a
// classical (X25519) server on loopback, ingests what the probe saw, and
// reads it back: on the domains, through the ?post_quantum= filter and in
// the readiness insight. The hybrid server's domain then answers from a
// classical server with the same chain: a changed group is no repeat, so
// the check is judged and the domain's group moves.
func TestKeyExchangeReadiness(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			clk := &storetest.Clock{}
			srv := newServerOn(t, storetest.Open(t, d, store.Options{Now: clk.Now}), true)
			tn := srv.newTenant(t, "pq@example.com")
			agent := srv.agentClient(t, tn)
			cert := servingCert(t, "pq.internal")
			hybridPort := serveGroups(t, cert, tls.X25519MLKEM768)
			classicalPort := serveGroups(t, cert, tls.X25519)

			domains := map[string]string{}
			for _, name := range []string{"hybrid", "classical", "never"} {
				var dom created
				tn.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": name + ".internal", "sni": "pq.internal", "agent_id": tn.agentID}, &dom)
				domains[name] = dom.ID
			}
			batches := 0
			check := func(name string, port int) {
				t.Helper()
				batches++
				r := probe.FetchOne(t.Context(), wire.Target{ID: domains[name], Host: "127.0.0.1", Port: port, SNI: "pq.internal"}, probe.FetchOptions{Timeout: 5 * time.Second})
				r.ObservedAt = clk.Now()
				var res wire.ResultsResponse
				agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: fmt.Sprintf("pq-%d", batches), Results: []wire.Result{r}}, &res)
				if res.Accepted != 1 {
					t.Fatalf("%s: %+v (result %+v)", name, res, r)
				}
			}
			read := func(name string) pqDomain {
				t.Helper()
				var out pqDomain
				tn.browser.must(http.StatusOK, "GET", "/api/v1/domains/"+domains[name], nil, &out)
				return out
			}
			check("hybrid", hybridPort)
			check("classical", classicalPort)

			for name, want := range map[string]pqDomain{
				"hybrid":    {TLSVersion: "TLS 1.3", KeyExchange: "X25519MLKEM768", PostQuantum: true},
				"classical": {TLSVersion: "TLS 1.3", KeyExchange: "X25519"},
				"never":     {},
			} {
				got := read(name)
				if got.TLSVersion != want.TLSVersion || got.KeyExchange != want.KeyExchange || got.PostQuantum != want.PostQuantum ||
					got.LastCheck.KeyExchange != want.KeyExchange {
					t.Errorf("%s: %+v, want %+v", name, got, want)
				}
			}
			for filter, want := range map[string]string{"true": "hybrid", "false": "classical", "unknown": "never"} {
				var list struct {
					Items []pqDomain `json:"items"`
					Total int        `json:"total"`
				}
				tn.browser.must(http.StatusOK, "GET", "/api/v1/domains?post_quantum="+filter, nil, &list)
				if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != domains[want] {
					t.Errorf("post_quantum=%s: %+v, want only %s", filter, list, want)
				}
			}
			r := tn.browser.do("GET", "/api/v1/domains?post_quantum=maybe", nil)
			if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"field":"post_quantum"`) {
				t.Errorf("post_quantum=maybe: %d %s", r.Status, r.Body)
			}

			type insight struct {
				Items []struct {
					Group       string `json:"group"`
					PostQuantum bool   `json:"post_quantum"`
					Endpoints   int    `json:"endpoints"`
				} `json:"items"`
				Readiness struct {
					Ready    int `json:"ready"`
					NotReady int `json:"not_ready"`
					Unknown  int `json:"unknown"`
				} `json:"readiness"`
			}
			var in insight
			tn.browser.must(http.StatusOK, "GET", "/api/v1/insights/key-exchange", nil, &in)
			if in.Readiness.Ready != 1 || in.Readiness.NotReady != 1 || in.Readiness.Unknown != 1 || len(in.Items) != 3 {
				t.Errorf("insight %+v, want one ready, one not, one unknown in three groups", in)
			}

			// The same chain from a classical server: judged again, not a repeat.
			before := read("hybrid")
			clk.Advance(time.Hour)
			check("hybrid", classicalPort)
			after := read("hybrid")
			// The latest check is a new sample (history), not the old one extended.
			if after.KeyExchange != "X25519" || after.PostQuantum || after.LastCheck.KeyExchange != "X25519" {
				t.Errorf("after the group changed: %+v, want X25519, not post-quantum, in a new sample", after)
			}
			if after.Analysis.Trust.VerifiedAt.Equal(before.Analysis.Trust.VerifiedAt) {
				t.Errorf("a check with another group was taken as a repeat (verified at %v both times)", after.Analysis.Trust.VerifiedAt)
			}
			tn.browser.must(http.StatusOK, "GET", "/api/v1/insights/key-exchange", nil, &in)
			if in.Readiness.Ready != 0 || in.Readiness.NotReady != 2 || in.Readiness.Unknown != 1 {
				t.Errorf("insight after the change %+v, want none ready, two not, one unknown", in.Readiness)
			}
		})
	}
}
