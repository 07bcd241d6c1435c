package agentca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

// customerCA is a CA of the customer's own making, as openssl or their PKI
// would produce it.
type customerCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// makeCA signs a CA certificate for key with parent (self-signed when nil).
func makeCA(t *testing.T, cn string, key crypto.Signer, parent *customerCA, usage x509.KeyUsage, notBefore, notAfter time.Time) customerCA {
	t.Helper()
	serial, err := NewSerial()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"Customer"}},
		NotBefore: notBefore, NotAfter: notAfter, KeyUsage: usage, BasicConstraintsValid: true, IsCA: true}
	signer, issuer := key, tmpl
	if parent != nil {
		signer, issuer = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return customerCA{cert: cert, key: key}
}

func ecKey(t *testing.T, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func certsPEM(cas ...customerCA) []byte {
	var out []byte
	for _, c := range cas {
		out = append(out, pemCert(c.cert.Raw)...)
	}
	return out
}

func sec1PEM(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

const caUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign

// TestImportedCAIssuesUnderTheCustomersRoot: an issuing CA signed by an
// offline root (whose key the server never sees), through an intermediate,
// with an RSA key in PKCS #1: agent certificates and the CRL verify
// against the customer's root alone.
func TestImportedCAIssuesUnderTheCustomersRoot(t *testing.T) {
	now := time.Now()
	root := makeCA(t, "Customer offline root", ecKey(t, elliptic.P384()), nil, caUsage, now.Add(-time.Hour), now.AddDate(20, 0, 0))
	inter := makeCA(t, "Customer intermediate", ecKey(t, elliptic.P384()), &root, caUsage, now.Add(-time.Hour), now.AddDate(10, 0, 0))
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	issuing := makeCA(t, "Customer agents CA", rsaKey, &inter, caUsage, now.Add(-time.Hour), now.AddDate(2, 0, 0))
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})

	m, err := ParseImport(certsPEM(issuing, inter, root), keyPEM, DefaultValidity, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.RootKey) != 0 {
		t.Errorf("an imported CA has a root key: %q", m.RootKey)
	}
	a, err := New(m, 0)
	if err != nil {
		t.Fatal(err)
	}
	leafKey := ecKey(t, elliptic.P256())
	issued, err := a.Issue(request(t, leafKey), Identity{OrgID: "o", AgentID: "a"}, now)
	if err != nil {
		t.Fatal(err)
	}
	chain := a.ChainPEM()
	if len(chain) != 3 || chain[0] != string(pemCert(issuing.cert.Raw)) || chain[2] != string(pemCert(root.cert.Raw)) {
		t.Fatalf("chain handed to agents: %q", chain)
	}
	// An outsider holding the customer's root verifies the agent with the
	// chain the agent was given.
	roots, inters := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root.cert)
	for _, p := range chain[:2] {
		inters.AppendCertsFromPEM([]byte(p))
	}
	if _, err := issued.Cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inters,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("agent certificate does not verify to the customer's root: %v", err)
	}
	if _, _, err := a.Verify([]*x509.Certificate{issued.Cert}, now); err != nil {
		t.Errorf("the server refuses its own agent: %v", err)
	}
	der, err := a.CRL([]Revoked{{Serial: issued.Serial, RevokedAt: now}}, 1, now)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil || crl.CheckSignatureFrom(issuing.cert) != nil {
		t.Errorf("CRL not signed by the imported issuing CA: %v", err)
	}
}

// TestImportRefusesWhatCannotServe: every bad input is refused with an
// error that says what is wrong.
func TestImportRefusesWhatCannotServe(t *testing.T) {
	now := time.Now()
	start, end := now.Add(-time.Hour), now.AddDate(5, 0, 0)
	root := makeCA(t, "Root", ecKey(t, elliptic.P384()), nil, caUsage, start, now.AddDate(20, 0, 0))
	otherRoot := makeCA(t, "Root", ecKey(t, elliptic.P384()), nil, caUsage, start, now.AddDate(20, 0, 0))
	key := ecKey(t, elliptic.P256())
	good := makeCA(t, "Issuing", key, &root, caUsage, start, end)
	keyPEM := sec1PEM(t, key)
	if _, err := ParseImport(certsPEM(good, root), keyPEM, DefaultValidity, now); err != nil {
		t.Fatalf("good CA refused: %v", err)
	}

	leafTmpl := &x509.Certificate{SerialNumber: mustSerial(t), Subject: pkix.Name{CommonName: "Not a CA"}, NotBefore: start, NotAfter: end,
		KeyUsage: x509.KeyUsageDigitalSignature}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, root.cert, key.Public(), root.key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(leafDER)
	rsaSmall, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p521 := ecKey(t, elliptic.P521())
	for name, tc := range map[string]struct {
		certs, key []byte
		want       string
	}{
		"garbage certificate":  {[]byte("hello"), keyPEM, "certificate file: want PEM certificates"},
		"issuing only":         {certsPEM(good), keyPEM, "holds one certificate"},
		"not a CA":             {certsPEM(customerCA{cert: leaf}, root), keyPEM, "(CN=Not a CA) is not a CA"},
		"no CRL signing":       {certsPEM(makeCA(t, "Issuing", key, &root, x509.KeyUsageCertSign, start, end), root), keyPEM, "keyCertSign and cRLSign"},
		"no self-signed root":  {certsPEM(good, good), keyPEM, "(CN=Issuing) is not a self-signed root"},
		"broken chain":         {certsPEM(good, otherRoot), keyPEM, "does not chain to the root"},
		"key mismatch":         {certsPEM(good, root), sec1PEM(t, ecKey(t, elliptic.P256())), "the key does not match the issuing CA certificate (CN=Issuing)"},
		"garbage key":          {certsPEM(good, root), []byte("hello"), "key file: want one PEM private key"},
		"encrypted key":        {certsPEM(good, root), pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), "unencrypted"},
		"RSA 1024":             {certsPEM(good, root), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaSmall)}), "RSA key of 1024 bits"},
		"P-521":                {certsPEM(good, root), sec1PEM(t, p521), "want P-256 or P-384"},
		"expired issuing":      {certsPEM(makeCA(t, "Issuing", key, &root, caUsage, now.AddDate(-2, 0, 0), now.AddDate(-1, 0, 0)), root), keyPEM, "CN=Issuing expired on"},
		"expired root":         {certsPEM(good, makeCA(t, "Root", root.key, nil, caUsage, now.AddDate(-2, 0, 0), now.Add(-time.Minute))), keyPEM, "CN=Root expired on"},
		"not yet valid":        {certsPEM(makeCA(t, "Issuing", key, &root, caUsage, now.Add(time.Hour), end), root), keyPEM, "CN=Issuing is not valid before"},
		"ends before an agent": {certsPEM(makeCA(t, "Issuing", key, &root, caUsage, start, now.Add(DefaultValidity/2)), root), keyPEM, "before agent certificates issued now would"},
	} {
		_, err := ParseImport(tc.certs, tc.key, DefaultValidity, now)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
		}
	}
}

func mustSerial(t *testing.T) *big.Int {
	t.Helper()
	s, err := NewSerial()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
