package monitor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// The pools kept stay bounded however many organizations send results,
// and an organization's pool comes back with the same contents' name.
func TestOrgPoolsBounded(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite, store.Options{})
	in := NewIngester(st, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	_, org, err := st.CreateAccount(ctx, "pools@example.com", "h", "Org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateCABundle(ctx, org.ID, store.CABundle{Name: "ca", PEM: testCAPEM(t)}); err != nil {
		t.Fatal(err)
	}
	first, err := in.pools.get(ctx, in, org.ID)
	if err != nil || first.pool == nil {
		t.Fatalf("pool %+v, %v", first, err)
	}
	for i := range maxPools {
		if _, err := in.pools.get(ctx, in, fmt.Sprint("org-without-bundles-", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(in.pools.m); n > maxPools {
		t.Errorf("%d pools kept, want at most %d", n, maxPools)
	}
	again, err := in.pools.get(ctx, in, org.ID)
	if err != nil || again.id != first.id {
		t.Errorf("the pool built again is named %x, want %x (%v)", again.id, first.id, err)
	}
}

// testCAPEM is a self-signed CA certificate in PEM.
func testCAPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Pool Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
