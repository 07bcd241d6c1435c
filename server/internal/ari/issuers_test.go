package ari

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
)

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
