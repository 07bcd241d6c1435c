package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/identity"
	"certinel.dev/shared/wire"
)

// TestFailedRenewalLogsWhyAndBacksOff: a renewal the server cannot answer
// (nothing listens) leaves the certificate on disk, logs the reason with
// the attempt, and the next look comes after a wait that grows with each
// failure, bounded for a short-lived certificate by a tenth of its life.
func TestFailedRenewalLogsWhyAndBacksOff(t *testing.T) {
	dir := identity.Dir(t.TempDir())
	now := time.Now()
	// A life of 6 minutes, two thirds gone: due.
	current := saveSelfSigned(t, dir, now.Add(-4*time.Minute), now.Add(2*time.Minute))
	before, err := os.ReadFile(filepath.Join(string(dir), identity.FileName))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := &url.URL{Scheme: "https", Host: ln.Addr().String()}
	ln.Close() // refused from now on
	var logs bytes.Buffer
	r := &certRenewal{client: client.New(client.Options{BaseURL: base, Certificate: &current.Cert, Backoff: client.Backoff{Attempts: 1}}),
		dir: dir, current: current, log: slog.New(slog.NewTextHandler(&logs, nil))}

	var waits []time.Duration
	for range 6 {
		waits = append(waits, r.renewIfDue(context.Background()))
	}
	// From a twentieth of the life (18 s), jittered in its upper half,
	// doubling, capped at a tenth (36 s).
	for i, w := range waits {
		lo, hi := 9*time.Second, 18*time.Second
		if i > 0 {
			lo, hi = 18*time.Second, 36*time.Second
		}
		if w < lo || w > hi {
			t.Errorf("wait after failure %d: %s, want %s to %s", i+1, w, lo, hi)
		}
	}
	out := logs.String()
	if n := strings.Count(out, "could not renew the client certificate"); n != 6 ||
		!strings.Contains(out, "attempt=6") || !strings.Contains(out, "connection refused") || !strings.Contains(out, "retry_in=") {
		t.Errorf("log of the failures:\n%s", out)
	}
	after, err := os.ReadFile(filepath.Join(string(dir), identity.FileName))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the identity on disk changed after failed renewals (%v)", err)
	}
	if r.failures != 6 || r.current.Leaf.SerialNumber.Cmp(current.Leaf.SerialNumber) != 0 {
		t.Errorf("after the failures: %d in a row, serial %s", r.failures, r.current.Leaf.SerialNumber)
	}
}

// TestRenewalWaitsUntilDue: a certificate not yet due is looked at again
// when it is, at most an hour later.
func TestRenewalWaitsUntilDue(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		notBefore, notAfter time.Time
		min, max            time.Duration
	}{
		{now, now.Add(3 * time.Minute), time.Minute + 50*time.Second, 2 * time.Minute},
		{now, now.Add(7 * 24 * time.Hour), time.Hour, time.Hour},
	} {
		r := &certRenewal{current: saveSelfSigned(t, identity.Dir(t.TempDir()), c.notBefore, c.notAfter)}
		if w := r.renewIfDue(context.Background()); w < c.min || w > c.max {
			t.Errorf("certificate of %s: next look in %s, want %s to %s", c.notAfter.Sub(c.notBefore), w, c.min, c.max)
		}
	}
}

// saveSelfSigned keeps a client certificate valid from notBefore to
// notAfter in dir, as enroll would.
func saveSelfSigned(t *testing.T, dir identity.Dir, notBefore, notAfter time.Time) identity.Identity {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(42), NotBefore: notBefore, NotAfter: notAfter,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	id, err := dir.Save(key, wire.CertificateResponse{Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
