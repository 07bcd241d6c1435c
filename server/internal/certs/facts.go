package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"time"
)

// Facts is everything the inventory shows about one certificate. Slices may
// share memory with the parsed certificate: treat them as read-only.
type Facts struct {
	SHA256     string `json:"sha256"` // fingerprints and IDs are lower-case hex
	SHA1       string `json:"sha1"`
	SPKISHA256 string `json:"spki_sha256"`

	Subject    string `json:"subject"`
	Issuer     string `json:"issuer"`
	CommonName string `json:"common_name"`

	DNSNames    []string `json:"dns_names"`
	IPAddresses []string `json:"ip_addresses"`
	URIs        []string `json:"uris"`
	Emails      []string `json:"emails"`

	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`

	KeyType            string `json:"key_type"` // "RSA", "ECDSA", "Ed25519" or "unknown"
	KeyBits            int    `json:"key_bits"`
	Curve              string `json:"curve,omitempty"`
	SignatureAlgorithm string `json:"signature_algorithm"`

	KeyUsage    []string `json:"key_usage"`
	ExtKeyUsage []string `json:"ext_key_usage"`

	IsCA       bool `json:"is_ca"`
	MaxPathLen int  `json:"max_path_len"` // -1 when the certificate sets no limit
	SelfSigned bool `json:"self_signed"`

	SubjectKeyID   string `json:"subject_key_id"`
	AuthorityKeyID string `json:"authority_key_id"`

	CRLDistributionPoints  []string `json:"crl_distribution_points"`
	OCSPServers            []string `json:"ocsp_servers"`
	IssuingCertificateURLs []string `json:"issuing_certificate_urls"`
}

func newFacts(c *x509.Certificate) Facts {
	sum256 := sha256.Sum256(c.Raw)
	sum1 := sha1.Sum(c.Raw)
	spki := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	f := Facts{
		SHA256:                 hex.EncodeToString(sum256[:]),
		SHA1:                   hex.EncodeToString(sum1[:]),
		SPKISHA256:             hex.EncodeToString(spki[:]),
		Subject:                c.Subject.String(),
		Issuer:                 c.Issuer.String(),
		CommonName:             c.Subject.CommonName,
		DNSNames:               nonNil(c.DNSNames),
		IPAddresses:            make([]string, len(c.IPAddresses)),
		URIs:                   make([]string, len(c.URIs)),
		Emails:                 nonNil(c.EmailAddresses),
		Serial:                 c.SerialNumber.Text(16),
		NotBefore:              c.NotBefore,
		NotAfter:               c.NotAfter,
		SignatureAlgorithm:     c.SignatureAlgorithm.String(),
		KeyUsage:               keyUsageNames(c.KeyUsage),
		ExtKeyUsage:            extKeyUsageNames(c),
		IsCA:                   c.IsCA,
		MaxPathLen:             maxPathLen(c),
		SelfSigned:             selfSigned(c),
		SubjectKeyID:           hex.EncodeToString(c.SubjectKeyId),
		AuthorityKeyID:         hex.EncodeToString(c.AuthorityKeyId),
		CRLDistributionPoints:  nonNil(c.CRLDistributionPoints),
		OCSPServers:            nonNil(c.OCSPServer),
		IssuingCertificateURLs: nonNil(c.IssuingCertificateURL),
	}
	for i, ip := range c.IPAddresses {
		f.IPAddresses[i] = ip.String()
	}
	for i, u := range c.URIs {
		f.URIs[i] = u.String()
	}
	f.KeyType, f.KeyBits, f.Curve = keyInfo(c.PublicKey)
	return f
}

// nonNil makes absent lists serialize as [] rather than null, so API
// clients need not special-case them.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func keyInfo(pub any) (keyType string, bits int, curve string) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen(), ""
	case *ecdsa.PublicKey:
		p := k.Curve.Params()
		return "ECDSA", p.BitSize, p.Name
	case ed25519.PublicKey:
		return "Ed25519", 256, ""
	default:
		return "unknown", 0, ""
	}
}

// maxPathLen folds x509's two-field encoding (MaxPathLen, MaxPathLenZero)
// into one number: -1 when no limit is set.
func maxPathLen(c *x509.Certificate) int {
	if !c.BasicConstraintsValid || (c.MaxPathLen == 0 && !c.MaxPathLenZero) || c.MaxPathLen < 0 {
		return -1
	}
	return c.MaxPathLen
}

var keyUsageBits = [...]struct {
	bit  x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, "digital_signature"},
	{x509.KeyUsageContentCommitment, "content_commitment"},
	{x509.KeyUsageKeyEncipherment, "key_encipherment"},
	{x509.KeyUsageDataEncipherment, "data_encipherment"},
	{x509.KeyUsageKeyAgreement, "key_agreement"},
	{x509.KeyUsageCertSign, "cert_sign"},
	{x509.KeyUsageCRLSign, "crl_sign"},
	{x509.KeyUsageEncipherOnly, "encipher_only"},
	{x509.KeyUsageDecipherOnly, "decipher_only"},
}

func keyUsageNames(ku x509.KeyUsage) []string {
	names := []string{}
	for _, b := range keyUsageBits {
		if ku&b.bit != 0 {
			names = append(names, b.name)
		}
	}
	return names
}

var extKeyUsageName = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:                            "any",
	x509.ExtKeyUsageServerAuth:                     "server_auth",
	x509.ExtKeyUsageClientAuth:                     "client_auth",
	x509.ExtKeyUsageCodeSigning:                    "code_signing",
	x509.ExtKeyUsageEmailProtection:                "email_protection",
	x509.ExtKeyUsageIPSECEndSystem:                 "ipsec_end_system",
	x509.ExtKeyUsageIPSECTunnel:                    "ipsec_tunnel",
	x509.ExtKeyUsageIPSECUser:                      "ipsec_user",
	x509.ExtKeyUsageTimeStamping:                   "time_stamping",
	x509.ExtKeyUsageOCSPSigning:                    "ocsp_signing",
	x509.ExtKeyUsageMicrosoftServerGatedCrypto:     "microsoft_server_gated_crypto",
	x509.ExtKeyUsageNetscapeServerGatedCrypto:      "netscape_server_gated_crypto",
	x509.ExtKeyUsageMicrosoftCommercialCodeSigning: "microsoft_commercial_code_signing",
	x509.ExtKeyUsageMicrosoftKernelCodeSigning:     "microsoft_kernel_code_signing",
}

// extKeyUsageNames lists known usages by name and unknown ones by OID, so
// that a private PKI's custom usages still show up in the inventory.
func extKeyUsageNames(c *x509.Certificate) []string {
	names := make([]string, 0, len(c.ExtKeyUsage)+len(c.UnknownExtKeyUsage))
	for _, u := range c.ExtKeyUsage {
		if n, ok := extKeyUsageName[u]; ok {
			names = append(names, n)
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		names = append(names, oid.String())
	}
	return names
}

// selfSigned requires the signature to verify under the certificate's own
// key, not just equal names: a leaf issued by a CA of the same name is not
// self-signed.
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawSubject, c.RawIssuer) {
		return false
	}
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	var insecure x509.InsecureAlgorithmError
	if errors.As(err, &insecure) {
		return legacySignatureValid(c)
	}
	return err == nil
}

// legacySignatureValid checks SHA-1 and MD5 self-signatures, which crypto/x509
// refuses to verify. Old private roots are often SHA-1 signed, and they must
// still be recognized as roots; whether the algorithm is acceptable is a
// separate, weak-crypto verdict.
func legacySignatureValid(c *x509.Certificate) bool {
	var h crypto.Hash
	var digest []byte
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1:
		sum := sha1.Sum(c.RawTBSCertificate)
		h, digest = crypto.SHA1, sum[:]
	case x509.MD5WithRSA:
		sum := md5.Sum(c.RawTBSCertificate)
		h, digest = crypto.MD5, sum[:]
	default:
		return false
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return c.SignatureAlgorithm != x509.ECDSAWithSHA1 && rsa.VerifyPKCS1v15(k, h, digest, c.Signature) == nil
	case *ecdsa.PublicKey:
		return c.SignatureAlgorithm == x509.ECDSAWithSHA1 && ecdsa.VerifyASN1(k, digest, c.Signature)
	}
	return false
}
