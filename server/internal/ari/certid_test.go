package ari

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"testing"
	"time"
)

// The example of RFC 9773 section 4.1: AKI 69:88:5B:6B:87:46:40:41:E1:B3:7B:
// 84:7B:A0:AE:2C:DE:01:C8:D4 and serial 00:87:65:43:21 (a DER integer
// whose first content byte is zero because the next one has its top bit set).
func TestCertIDOfTheRFCExample(t *testing.T) {
	aki := []byte{0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4}
	cert := &x509.Certificate{AuthorityKeyId: aki, SerialNumber: big.NewInt(0x87654321)}
	got, err := CertID(cert)
	if err != nil {
		t.Fatal(err)
	}
	if want := "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"; got != want {
		t.Errorf("CertID = %q, want %q", got, want)
	}
}

func TestCertIDNeedsAnAuthorityKeyID(t *testing.T) {
	_, err := CertID(&x509.Certificate{SerialNumber: big.NewInt(1)})
	if !errors.Is(err, ErrNoCertID) {
		t.Errorf("err = %v, want ErrNoCertID", err)
	}
}

func TestRetryAfterIsBounded(t *testing.T) {
	now := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"garbage", 0},
		{"21600", 6 * time.Hour},
		{"1", MinRetry},
		{"-5", MinRetry},
		{"99999999999", MaxRetry},
		{now.Add(3 * time.Hour).Format(http.TimeFormat), 3 * time.Hour},
		{now.Add(-time.Hour).Format(http.TimeFormat), MinRetry},
	} {
		if got := retryAfter(tc.header, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}

func TestParseRenewalInfo(t *testing.T) {
	for _, tc := range []struct {
		name, body, explanation string
		ok                      bool
	}{
		{"window", `{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"}}`, "", true},
		{"explained", `{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"},"explanationURL":"https://ca.example/incident"}`, "https://ca.example/incident", true},
		{"script link dropped", `{"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-02T00:00:00Z"},"explanationURL":"javascript:alert(1)"}`, "", true},
		{"no window", `{}`, "", false},
		{"ends before it starts", `{"suggestedWindow":{"start":"2026-12-02T00:00:00Z","end":"2026-12-01T00:00:00Z"}}`, "", false},
		{"not json", `<html>`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := parseRenewalInfo([]byte(tc.body))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if info.ExplanationURL != tc.explanation {
				t.Errorf("explanation = %q, want %q", info.ExplanationURL, tc.explanation)
			}
		})
	}
}

func TestBuiltinDirectoryByIssuerOrganization(t *testing.T) {
	for _, tc := range []struct {
		org  []string
		want string
	}{
		{[]string{"Let's Encrypt"}, LetsEncryptDirectory},
		{[]string{"Google Trust Services"}, GoogleTrustDirectory},
		{[]string{"Google Trust Services LLC"}, GoogleTrustDirectory},
		{[]string{"(STAGING) Let's Encrypt"}, ""},
		{[]string{"DigiCert Inc"}, ""},
		{nil, ""},
	} {
		got, _ := BuiltinDirectory(&x509.Certificate{Issuer: pkix.Name{Organization: tc.org}})
		if got != tc.want {
			t.Errorf("issuer O=%v: directory %q, want %q", tc.org, got, tc.want)
		}
	}
}
