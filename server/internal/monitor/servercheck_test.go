package monitor_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"testing"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/server/internal/tlstest"
)

// tlsListener serves a self-signed certificate for name on 127.0.0.1.
func tlsListener(t *testing.T, name string) (port int, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(45 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	return tlstest.ServeChain(t, []*x509.Certificate{cert}, key), cert
}

func TestServerChecks(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, d, store.Options{})
			_, org, err := st.CreateAccount(ctx, "sc@example.com", "h", "SC")
			if err != nil {
				t.Fatal(err)
			}
			port, cert := tlsListener(t, "localhost")
			dom, err := st.CreateDomain(ctx, org.ID, store.Domain{Host: "127.0.0.1", Port: port, Protocol: "tls", SNI: "localhost"})
			if err != nil {
				t.Fatal(err)
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			ing := monitor.NewIngester(st, nil, log)
			run := func(allowPrivate bool) store.DomainView {
				t.Helper()
				c := &monitor.Checker{Store: st, Ingester: ing, Log: log, Dial: netguard.New(allowPrivate).DialContext,
					Interval: 0, Concurrency: 4, Timeout: 5 * time.Second, Batch: 100}
				if err := c.Run(ctx); err != nil {
					t.Fatal(err)
				}
				v, err := st.GetDomain(ctx, org.ID, dom.ID, 30)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			// By default the server refuses to reach a loopback address.
			v := run(false)
			if v.Status != lifecycle.StatusUnreachable || !strings.Contains(v.Error, "loopback") {
				t.Fatalf("guarded check: %s %q", v.Status, v.Error)
			}
			// A self-hosted install may allow it: the chain is captured and judged.
			v = run(true)
			if v.Error != "" || v.LeafSHA256 == "" || v.Status != lifecycle.StatusInvalid || v.TrustStatus != "self_signed" {
				t.Fatalf("allowed check: %+v", v)
			}
			if v.NotAfter == nil || !v.NotAfter.Equal(cert.NotAfter) {
				t.Errorf("not_after %v, want %v", v.NotAfter, cert.NotAfter)
			}
		})
	}
}
