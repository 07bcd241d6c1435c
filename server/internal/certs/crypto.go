package certs

import (
	"crypto/x509"
	"fmt"
)

// Weak-crypto finding codes.
const (
	FindingRSAKeyTooSmall  = "rsa_key_too_small"
	FindingECCurveTooSmall = "ec_curve_too_small"
	FindingSHA1Signature   = "sha1_signature"
	FindingMD5Signature    = "md5_signature"
	FindingValidityTooLong = "validity_too_long"
	FindingWeakTLSVersion  = "weak_tls_version"
)

// PositionHandshake is the position of a finding about the handshake rather
// than about one certificate.
const PositionHandshake = -1

// Finding is one weakness, tied to the certificate at Position in the
// presented chain (0 is the leaf).
type Finding struct {
	Code     string `json:"code"`
	Position int    `json:"position"`
	Message  string `json:"message"`
}

// weakTLSVersions are spelled as tls.VersionName prints them, which is what
// the probe reports, plus the older "SSLv3"-style spellings.
var weakTLSVersions = map[string]bool{
	"SSLv3": true, "SSL 3.0": true,
	"TLS 1.0": true, "TLSv1": true, "TLSv1.0": true,
	"TLS 1.1": true, "TLSv1.1": true,
}

func weakCrypto(chain []*Cert, p Policy, tlsVersion string) []Finding {
	findings := []Finding{}
	for i, c := range chain {
		f := &c.Facts
		switch {
		case f.KeyType == "RSA" && f.KeyBits < p.MinRSABits:
			findings = append(findings, Finding{FindingRSAKeyTooSmall, i,
				fmt.Sprintf("RSA key of %d bits; the policy requires at least %d", f.KeyBits, p.MinRSABits)})
		case f.KeyType == "ECDSA" && f.KeyBits < p.MinECBits:
			findings = append(findings, Finding{FindingECCurveTooSmall, i,
				fmt.Sprintf("EC curve %s (%d bits); the policy requires at least %d", f.Curve, f.KeyBits, p.MinECBits)})
		}
		if code := weakSignature(c.X509.SignatureAlgorithm, p); code != "" && !(f.SelfSigned && i == len(chain)-1) {
			// A self-signed certificate at the top is trusted as itself;
			// nobody relies on its signature, so its hash does not matter.
			findings = append(findings, Finding{code, i,
				fmt.Sprintf("signed with %s, which clients no longer accept", f.SignatureAlgorithm)})
		}
	}
	if leaf := &chain[0].Facts; p.MaxValidityDays > 0 {
		if days := int(leaf.NotAfter.Sub(leaf.NotBefore) / day); days > p.MaxValidityDays {
			findings = append(findings, Finding{FindingValidityTooLong, 0,
				fmt.Sprintf("valid for %d days; the policy allows at most %d", days, p.MaxValidityDays)})
		}
	}
	if weakTLSVersions[tlsVersion] {
		findings = append(findings, Finding{FindingWeakTLSVersion, PositionHandshake,
			fmt.Sprintf("negotiated %s, which is deprecated (RFC 8996)", tlsVersion)})
	}
	return findings
}

func weakSignature(alg x509.SignatureAlgorithm, p Policy) string {
	switch alg {
	case x509.MD2WithRSA, x509.MD5WithRSA:
		return FindingMD5Signature
	case x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		if !p.AllowSHA1 {
			return FindingSHA1Signature
		}
	}
	return ""
}
