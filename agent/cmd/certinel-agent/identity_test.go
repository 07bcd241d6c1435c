package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certinel.dev/agent/internal/identity"
)

// withoutTokens drops the tokens from the agent's environment.
func withoutTokens(vars []string) []string {
	var out []string
	for _, v := range vars {
		if !strings.HasPrefix(v, "CERTINEL_API_KEY=") && !strings.HasPrefix(v, "CERTINEL_AGENT_TOKEN=") {
			out = append(out, v)
		}
	}
	return out
}

func TestNoTokensAndNoCertificateSaysHowToEnroll(t *testing.T) {
	e := newAgentEnv(t, 1)
	e.vars = withoutTokens(e.vars)
	cmd, out := e.command("once")
	if code := exitCode(t, cmd.Run()); code != 1 || !strings.Contains(out.String(), "certinel-agent enroll") {
		t.Fatalf("exit %d, want 1 with how to enroll:\n%s", code, out)
	}
}

func TestExpiredCertificateSaysEnrollAgain(t *testing.T) {
	e := newAgentEnv(t, 1)
	e.vars = withoutTokens(e.vars)
	// A self-signed client certificate that expired an hour ago, kept as
	// enroll keeps one.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-8 * 24 * time.Hour), NotAfter: time.Now().Add(-time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	if err := os.MkdirAll(e.spool, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.spool, identity.FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, out := e.command("once")
	if code := exitCode(t, cmd.Run()); code != 1 || !strings.Contains(out.String(), "expired") || !strings.Contains(out.String(), "enroll again") {
		t.Fatalf("exit %d, want 1 saying the certificate expired and to enroll again:\n%s", code, out)
	}
	if n := len(e.fake.UserAgents()); n != 0 {
		t.Errorf("the agent made %d requests with an expired certificate", n)
	}
}
