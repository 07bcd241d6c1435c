package monitor_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/wire"
)

// backendServer serves one certificate on one loopback address until it
// is stopped, as one backend of a load-balanced name.
type backendServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

func serveBackend(t *testing.T, address string, cert tls.Certificate) (*backendServer, error) {
	ln, err := tls.Listen("tcp", address, &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		return nil, err
	}
	b := &backendServer{ln: ln}
	b.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b.wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				c.(*tls.Conn).Handshake()
			})
		}
	})
	t.Cleanup(b.stop)
	return b, nil
}

func (b *backendServer) stop() { b.ln.Close(); b.wg.Wait() }

// backendPair serves newer on 127.0.0.1 and older on 127.0.0.2, on one
// port (a few are tried: a port free on one address may be taken on the other).
func backendPair(t *testing.T, newer, older tls.Certificate) (port int, first, second *backendServer) {
	t.Helper()
	for range 20 {
		a, err := serveBackend(t, "127.0.0.1:0", newer)
		if err != nil {
			t.Fatal(err)
		}
		port = a.ln.Addr().(*net.TCPAddr).Port
		b, err := serveBackend(t, "127.0.0.2:"+strconv.Itoa(port), older)
		if err == nil {
			return port, a, b
		}
		a.stop()
	}
	t.Fatal("no port free on both loopback addresses")
	return 0, nil, nil
}

// leafCert is a self-signed certificate for name issued at notBefore.
func leafCert(t *testing.T, name string, notBefore time.Time) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(notBefore.Unix()), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: notBefore, NotAfter: notBefore.Add(90 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, hex.EncodeToString(sum[:])
}

// TestBackendsOfAName: an agent probes both addresses of a name; the
// domain follows the newest leaf served, the backend still serving the
// older one is flagged, one backend down is that backend's failure, and
// only every backend down makes the name unreachable.
func TestBackendsOfAName(t *testing.T) {
	newer, newSHA := leafCert(t, "lb.example", time.Now().Add(-time.Hour))
	older, oldSHA := leafCert(t, "lb.example", time.Now().Add(-60*24*time.Hour))
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			port, first, second := backendPair(t, newer, older)
			addrs := []string{"127.0.0.2", "127.0.0.1"}
			resolve := func(context.Context, string) ([]netip.Addr, error) {
				var out []netip.Addr
				for _, a := range addrs {
					out = append(out, netip.MustParseAddr(a))
				}
				return out, nil
			}
			fetch := func() []wire.Result {
				var mu sync.Mutex
				var out []wire.Result
				probe.Fetch(context.Background(), []wire.Target{{ID: "lb", Host: "lb.example", Port: port}},
					probe.FetchOptions{Concurrency: 2, Timeout: 2 * time.Second, Resolve: resolve}, func(r wire.Result) {
						mu.Lock()
						defer mu.Unlock()
						out = append(out, r)
					})
				return out
			}
			st := storetest.Open(t, d, store.Options{})
			_, org, err := st.CreateAccount(ctx, "lb@example.com", "h", "LB")
			if err != nil {
				t.Fatal(err)
			}
			// Checked every 10 minutes: a cycle is the 5 minutes around a check.
			agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h", IntervalSeconds: 600})
			if err != nil {
				t.Fatal(err)
			}
			dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "lb.example", Port: port, Protocol: "tls", AgentID: &agent.ID})
			if err != nil {
				t.Fatal(err)
			}
			ing := monitor.NewIngester(st, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			batches := 0
			ingest := func(results []wire.Result) (store.DomainView, map[string]store.DomainBackend, map[string]bool) {
				t.Helper()
				for i := range results {
					results[i].TargetID = dom.ID
				}
				batches++
				resp, err := ing.IngestAgent(ctx, agent, wire.ResultsRequest{BatchID: "b" + strconv.Itoa(batches), Results: results})
				if err != nil || resp.Accepted != len(results) || len(resp.Rejected) != 0 {
					t.Fatalf("ingest: %+v %v", resp, err)
				}
				v, err := st.GetDomain(ctx, org.ID, dom.ID, 30)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := st.DomainBackends(ctx, org.ID, []string{dom.ID}, time.Now().Add(-time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				byAddr := map[string]store.DomainBackend{}
				for _, b := range rows[dom.ID] {
					byAddr[b.Address] = b
				}
				return v, byAddr, monitor.StaleBackends(rows[dom.ID])
			}

			// Both up, the stale backend's result last and latest: the domain
			// still follows the renewal, and the stale backend is flagged.
			results := fetch()
			slices.SortFunc(results, func(a, b wire.Result) int { return a.ObservedAt.Compare(b.ObservedAt) })
			if len(results) != 2 {
				t.Fatalf("%d results", len(results))
			}
			if results[1].Address != "127.0.0.2:"+strconv.Itoa(port) {
				results[0], results[1] = results[1], results[0]
				results[1].ObservedAt = results[0].ObservedAt.Add(time.Millisecond)
			}
			v, rows, stale := ingest(results)
			if v.LeafSHA256 != newSHA || v.Status == lifecycle.StatusUnreachable {
				t.Fatalf("domain after both up: leaf %s status %s, want %s", v.LeafSHA256, v.Status, newSHA)
			}
			if rows["127.0.0.1"].LeafSHA256 != newSHA || rows["127.0.0.2"].LeafSHA256 != oldSHA || len(rows) != 2 {
				t.Fatalf("backends %+v", rows)
			}
			if !stale["127.0.0.2"] || len(stale) != 1 {
				t.Errorf("stale backends %v, want 127.0.0.2 only", stale)
			}

			// The stale backend down: its own failure, the name still served.
			second.stop()
			v, rows, stale = ingest(fetch())
			if v.LeafSHA256 != newSHA || v.Status == lifecycle.StatusUnreachable || v.Error != "" {
				t.Fatalf("domain with one backend down: leaf %s status %s error %q", v.LeafSHA256, v.Status, v.Error)
			}
			if b := rows["127.0.0.2"]; b.ErrorKind != "refused" || b.LeafSHA256 != "" {
				t.Errorf("down backend %+v", b)
			}
			if len(stale) != 0 {
				t.Errorf("stale backends %v with the stale one down", stale)
			}

			// A cycle later the name resolves to two addresses that refuse;
			// 127.0.0.1, still up but gone from DNS, served the name a cycle
			// ago and no longer speaks for it: the name is unreachable.
			addrs = []string{"127.0.0.2", "127.0.0.3"}
			later := fetch()
			for i := range later {
				later[i].ObservedAt = later[i].ObservedAt.Add(10 * time.Minute)
			}
			if v, _, _ = ingest(later); v.Status != lifecycle.StatusUnreachable {
				t.Fatalf("domain whose answering backend left DNS a cycle ago: status %s, want unreachable", v.Status)
			}

			// Back in DNS, and every backend down: the name is unreachable.
			addrs = []string{"127.0.0.2", "127.0.0.1"}
			first.stop()
			last := fetch()
			for i := range last {
				last[i].ObservedAt = last[i].ObservedAt.Add(20 * time.Minute)
			}
			v, rows, _ = ingest(last)
			if v.Status != lifecycle.StatusUnreachable || rows["127.0.0.1"].ErrorKind != "refused" {
				t.Fatalf("domain with every backend down: status %s, backends %+v", v.Status, rows)
			}
		})
	}
}
