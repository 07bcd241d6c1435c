package filesource

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"

	"certinel.dev/shared/wire"
)

// TestOpenSSLCertOnlyPKCS12 reads PKCS#12 files holding certificates and
// no key, without the Java trust attribute, as OpenSSL 3 makes them.
func TestOpenSSLCertOnlyPKCS12(t *testing.T) {
	p := newPKI(t)
	a, b := issue(t, "Root A", nil, true), issue(t, "Root B", nil, true)
	dir := t.TempDir()
	chain := write(t, dir, "chain.pem", pemOf("CERTIFICATE", p.leaf.cert.Raw, p.inter.cert.Raw))
	bundle := write(t, dir, "bundle.pem", pemOf("CERTIFICATE", a.cert.Raw, b.cert.Raw))
	export := func(name, in string, opts ...string) string {
		out := filepath.Join(dir, name)
		run(t, "openssl", append([]string{"pkcs12", "-export", "-nokeys", "-in", in, "-passout", "pass:pw", "-out", out}, opts...)...)
		return out
	}
	aes := export("aes.p12", chain) // OpenSSL 3's default: PBES2 with AES-256-CBC, SHA-256 MAC
	unrelated := export("bundle.p12", bundle)
	legacy := export("legacy.p12", chain, "-legacy") // RC2-40, SHA-1 MAC
	des := export("3des.p12", chain, "-certpbe", "PBE-SHA1-3DES")
	nomac := export("nomac.p12", chain, "-nomac") // OpenSSL then leaves the certificates unencrypted
	nomacAES := export("nomac-aes.p12", chain, "-nomac", "-certpbe", "AES-128-CBC")

	chainWant := want{format: wire.FileFormatPKCS12, chain: [][]byte{p.leaf.cert.Raw, p.inter.cert.Raw}}
	got := readAll(t,
		Source{Pattern: aes, Password: "pw"},
		Source{Pattern: unrelated, Password: "pw"},
		Source{Pattern: legacy, Password: "pw"},
		Source{Pattern: des, Password: "pw"},
		Source{Pattern: nomac},
		Source{Pattern: nomacAES, Password: "pw"},
	)
	check(t, got, map[string]want{
		aes + "|":         chainWant,
		unrelated + "|#1": {format: wire.FileFormatPKCS12, chain: [][]byte{a.cert.Raw}},
		unrelated + "|#2": {format: wire.FileFormatPKCS12, chain: [][]byte{b.cert.Raw}},
		legacy + "|":      chainWant,
		des + "|":         chainWant,
		nomac + "|":       chainWant,
		nomacAES + "|":    chainWant,
	})

	got = readAll(t,
		Source{Pattern: aes, Password: "wrong"},
		Source{Pattern: legacy},
		Source{Pattern: nomacAES, Password: "wrong"},
	)
	check(t, got, map[string]want{
		aes + "|":      {format: wire.FileFormatPKCS12, kind: wire.FileKindPassword, errHas: "wrong password"},
		legacy + "|":   {format: wire.FileFormatPKCS12, kind: wire.FileKindPassword, errHas: "none is configured"},
		nomacAES + "|": {format: wire.FileFormatPKCS12, kind: wire.FileKindPassword, errHas: "wrong password"},
	})
}

// TestPFXCertificatesEveryEncoder reads, with the agent's own reader, the
// files each of the library's encoders makes: every MAC (SHA-1, SHA-256,
// PBMAC1) and cipher (RC2, 3DES, AES) it uses, a shrouded key bag skipped.
func TestPFXCertificatesEveryEncoder(t *testing.T) {
	p := newPKI(t)
	for name, enc := range map[string]*pkcs12.Encoder{
		"LegacyRC2": pkcs12.LegacyRC2, "LegacyDES": pkcs12.LegacyDES,
		"Modern2023": pkcs12.Modern2023, "Modern2026": pkcs12.Modern2026,
	} {
		withKey, err := enc.Encode(p.leaf.key, p.leaf.cert, []*x509.Certificate{p.inter.cert}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		trust, err := enc.EncodeTrustStore([]*x509.Certificate{p.root.cert}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		for file, want := range map[string][][]byte{
			"key and chain": {p.leaf.cert.Raw, p.inter.cert.Raw},
			"trust store":   {p.root.cert.Raw},
		} {
			data := withKey
			if file == "trust store" {
				data = trust
			}
			certs, err := pfxCertificates(data, "pw")
			if err != nil || len(certs) != len(want) {
				t.Errorf("%s %s: %d certificates, %v", name, file, len(certs), err)
				continue
			}
			for i := range want {
				if !bytes.Equal(certs[i].Raw, want[i]) {
					t.Errorf("%s %s: certificate %d is not the expected one", name, file, i)
				}
			}
			if _, err := pfxCertificates(data, "wrong"); !errors.Is(err, errPFXPassword) {
				t.Errorf("%s %s, wrong password: %v", name, file, err)
			}
		}
	}
}

// TestPFXCertificatesHostile feeds files built here that the MAC does not
// vouch for: a key derivation asking for a billion rounds, every
// truncation, and content that is no SafeContents.
func TestPFXCertificatesHostile(t *testing.T) {
	p := newPKI(t)
	good := certOnlyPFX(t, p, "pw", 2048)
	if items, _, err := Parse(good, "good.p12", "pw"); err != nil || len(items) != 1 || len(items[0].Chain) != 2 {
		t.Fatalf("the sound file: %v, %d items", err, len(items))
	}
	costly := certOnlyPFX(t, p, "pw", 1<<30)
	if _, _, err := Parse(costly, "costly.p12", "pw"); kindOf(err) != wire.FileKindMalformed ||
		!strings.Contains(err.Error(), "1073741824 key-derivation rounds") {
		t.Errorf("a billion rounds: %v, want a refusal naming them", err)
	}
	if _, _, err := Parse(good, "good.p12", "wrong"); kindOf(err) != wire.FileKindPassword {
		t.Errorf("wrong password: %v, want %s", err, wire.FileKindPassword)
	}
	for n := range len(good) {
		if items, _, err := Parse(good[:n], "cut.p12", "pw"); err == nil {
			t.Fatalf("truncated to %d bytes: read %d items", n, len(items))
		}
	}
}

// certOnlyPFX builds, without a MAC, a PKCS#12 file whose one safe holds
// the leaf and intermediate certificates, encrypted with PBES2
// (PBKDF2-SHA-256, AES-256-CBC) at the given rounds.
func certOnlyPFX(t testing.TB, p pki, password string, rounds int) []byte {
	t.Helper()
	must := func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	explicit := func(der []byte) asn1.RawValue {
		return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
	}
	var bags []pfxSafeBag
	for _, c := range []pfxCertBag{{oidX509Certificate, p.leaf.cert.Raw}, {oidX509Certificate, p.inter.cert.Raw}} {
		bags = append(bags, pfxSafeBag{ID: oidCertBag, Value: explicit(must(asn1.Marshal(c)))})
	}
	plain := must(asn1.Marshal(bags))

	salt, iv := []byte("saltsalt"), make([]byte, aes.BlockSize)
	// A costly file is refused before its key is derived: its content is
	// encrypted at 2048 rounds.
	key := must(pbkdf2.Key(sha256.New, password, salt, min(rounds, 2048), 32))
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	plain = append(plain, []byte(strings.Repeat(string(rune(pad)), pad))...)
	enc := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(enc, plain)

	kdf := must(asn1.Marshal(struct {
		Salt   []byte
		Rounds int
		PRF    pkix.AlgorithmIdentifier
	}{salt, rounds, pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}}))
	params := must(asn1.Marshal(struct{ KDF, Scheme pkix.AlgorithmIdentifier }{
		pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: must(asn1.Marshal(iv))}},
	}))
	var ed pfxEncryptedData
	ed.Info.ContentType = oidDataContent
	ed.Info.Algorithm = pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}
	ed.Info.Content = enc
	safe := must(asn1.Marshal([]pfxContentInfo{{ContentType: oidEncryptedContent, Content: explicit(must(asn1.Marshal(ed)))}}))
	return must(asn1.Marshal(struct {
		Version  int
		AuthSafe pfxContentInfo
	}{3, pfxContentInfo{ContentType: oidDataContent, Content: explicit(must(asn1.Marshal(safe)))}}))
}
