package identity

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

// issuer signs certificate requests as the server would, for a lifetime
// starting at notBefore.
type issuer struct {
	t         *testing.T
	notBefore time.Time
	life      time.Duration
	err       error
	// otherKey signs a certificate for a key that is not the request's.
	otherKey bool
	set      *tls.Certificate
	serial   int64
}

func (i *issuer) Renew(_ context.Context, req wire.CertificateRequest) (wire.CertificateResponse, error) {
	if i.err != nil {
		return wire.CertificateResponse{}, i.err
	}
	block, _ := pem.Decode([]byte(req.CSR))
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		i.t.Fatal(err)
	}
	pub := csr.PublicKey
	if i.otherKey {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		pub = &k.PublicKey
	}
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	i.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(i.serial), NotBefore: i.notBefore, NotAfter: i.notBefore.Add(i.life),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, caKey)
	if err != nil {
		i.t.Fatal(err)
	}
	return wire.CertificateResponse{Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}, nil
}

func (i *issuer) SetCertificate(c *tls.Certificate) { i.set = c }

func TestSaveLoadAndRenewalAge(t *testing.T) {
	dir := Dir(t.TempDir())
	if _, err := dir.Load(); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("empty directory: %v", err)
	}
	start := time.Now().Truncate(time.Second)
	iss := &issuer{t: t, notBefore: start, life: 9 * time.Hour}
	id, err := Renew(context.Background(), iss, dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(string(dir), FileName))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("identity file: %v, mode %v, want 0600", err, info.Mode().Perm())
	}
	loaded, err := dir.Load()
	if err != nil || !loaded.Leaf.Equal(id.Leaf) {
		t.Fatalf("load: %v", err)
	}
	for _, tc := range []struct {
		at           time.Duration
		due, expired bool
	}{{0, false, false}, {6*time.Hour - time.Second, false, false}, {6 * time.Hour, true, false}, {9 * time.Hour, true, true}} {
		now := start.Add(tc.at)
		if loaded.RenewalDue(now) != tc.due || loaded.Expired(now) != tc.expired {
			t.Errorf("after %s: due %v expired %v, want %v %v", tc.at, loaded.RenewalDue(now), loaded.Expired(now), tc.due, tc.expired)
		}
	}
}

func TestRenewKeepsOldIdentityUntilTheNewOneIsStored(t *testing.T) {
	dir := Dir(t.TempDir())
	iss := &issuer{t: t, notBefore: time.Now().Add(-time.Hour), life: 3 * time.Hour}
	first, err := Renew(context.Background(), iss, dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(string(dir), FileName)
	before, _ := os.ReadFile(path)

	for name, broken := range map[string]*issuer{
		"server refuses":                   {t: t, err: errors.New("503")},
		"certificate for a stranger's key": {t: t, notBefore: time.Now(), life: time.Hour, otherKey: true},
	} {
		if _, err := Renew(context.Background(), broken, dir); err == nil {
			t.Errorf("%s: renewal succeeded", name)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("%s: the identity file changed", name)
		}
		if broken.set != nil {
			t.Errorf("%s: the client switched certificates", name)
		}
	}

	second, err := Renew(context.Background(), iss, dir)
	if err != nil {
		t.Fatal(err)
	}
	if second.Leaf.PublicKey.(*ecdsa.PublicKey).Equal(first.Leaf.PublicKey) {
		t.Error("renewal kept the key")
	}
	if iss.set == nil || !iss.set.Leaf.Equal(second.Leaf) {
		t.Error("the client was not switched to the renewed certificate")
	}
	if loaded, err := dir.Load(); err != nil || !loaded.Leaf.Equal(second.Leaf) {
		t.Errorf("stored identity is not the renewed one: %v", err)
	}
}

func TestPinParsing(t *testing.T) {
	for _, bad := range []string{"", "sha256:", "sha1:00", "sha256:zz", "sha256:" + string(bytes.Repeat([]byte("a"), 62))} {
		if _, err := ParsePin(bad); err == nil {
			t.Errorf("ParsePin(%q) accepted", bad)
		}
	}
	dir := Dir(t.TempDir())
	pin, err := ParsePin("sha256:" + string(bytes.Repeat([]byte("ab"), 32)))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dir.LoadPin(); err != nil || got != nil {
		t.Errorf("no pin kept: %x, %v", got, err)
	}
	if err := dir.SavePin(pin); err != nil {
		t.Fatal(err)
	}
	if got, err := dir.LoadPin(); err != nil || !bytes.Equal(got, pin) {
		t.Errorf("pin kept %x, %v", got, err)
	}
}
