package inspect

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"certinel.dev/agent/internal/tlsfarm"
	"certinel.dev/shared/probe"
)

func TestWrite(t *testing.T) {
	cert, err := tlsfarm.SelfSigned("db.internal")
	if err != nil {
		t.Fatal(err)
	}
	der := cert.Certificate[0]
	res := probe.Result{
		Address: "127.0.0.1:443", TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
		Chain: [][]byte{der, []byte("garbage")}, Duration: 12 * time.Millisecond,
	}
	var b strings.Builder
	if err := Write(&b, res, time.Now().Add(24*time.Hour+time.Minute)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	sum := sha256.Sum256(der)
	for _, want := range []string{
		"address:        127.0.0.1:443",
		"tls version:    TLS 1.3",
		"cipher suite:   TLS_AES_128_GCM_SHA256",
		"certificates:   2 (leaf first, as presented)",
		"  subject:      CN=db.internal",
		"  SANs:         db.internal, IP:127.0.0.1, IP:::1",
		"  days left:    363",
		fmt.Sprintf("  sha256:       %02X:%02X:", sum[0], sum[1]),
		"  parse error:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDaysLeft(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for notAfter, want := range map[time.Time]string{
		now.Add(36 * time.Hour): "1",
		now.Add(time.Hour):      "0",
		now.Add(-time.Hour):     "-1 (expired)",
	} {
		if got := daysLeft(notAfter, now); got != want {
			t.Errorf("daysLeft(%s) = %q, want %q", notAfter, got, want)
		}
	}
}
