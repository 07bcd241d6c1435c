package filesource

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"

	"certinel.dev/shared/wire"
)

// want is what one result must carry.
type want struct {
	format string
	kind   string   // "" for an item
	chain  [][]byte // the item's certificates, leaf first
	crl    []byte
	errHas string
}

func readAll(t *testing.T, sources ...Source) map[string]wire.Result {
	t.Helper()
	got := map[string]wire.Result{}
	opts := Options{Host: "host.test", Sources: sources, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	Read(context.Background(), opts, func(res wire.Result) {
		if res.File == nil {
			t.Fatalf("result without File: %+v", res)
		}
		key := res.File.Path + "|" + res.File.Entry
		if _, dup := got[key]; dup {
			t.Errorf("%s reported twice", key)
		}
		got[key] = res
	})
	return got
}

func check(t *testing.T, got map[string]wire.Result, wants map[string]want) {
	t.Helper()
	for key, w := range wants {
		res, ok := got[key]
		if !ok {
			t.Errorf("%s: no result", key)
			continue
		}
		if res.File.Host != "host.test" || res.File.Format != w.format || res.ErrorKind != w.kind {
			t.Errorf("%s: host %q format %q kind %q (%s), want format %q kind %q",
				key, res.File.Host, res.File.Format, res.ErrorKind, res.Error, w.format, w.kind)
		}
		if !strings.Contains(res.Error, w.errHas) || (w.kind == "") != (res.Error == "") {
			t.Errorf("%s: error %q, want one containing %q", key, res.Error, w.errHas)
		}
		if res.ObservedAt.IsZero() {
			t.Errorf("%s: no observed_at", key)
		}
		if len(res.Chain) != len(w.chain) {
			t.Errorf("%s: chain of %d, want %d", key, len(res.Chain), len(w.chain))
		} else {
			for i := range w.chain {
				if res.Chain[i] != base64.StdEncoding.EncodeToString(w.chain[i]) {
					t.Errorf("%s: chain[%d] is not the expected certificate", key, i)
				}
			}
		}
		if res.File.CRL != base64.StdEncoding.EncodeToString(w.crl) {
			t.Errorf("%s: CRL %.20q, want %d bytes", key, res.File.CRL, len(w.crl))
		}
	}
	for key := range got {
		if _, ok := wants[key]; !ok {
			t.Errorf("unexpected result %s: %+v", key, got[key])
		}
	}
}

func TestReadEveryFormatAndFailure(t *testing.T) {
	p := newPKI(t)
	a, b := issue(t, "Root A", nil, true), issue(t, "Root B", nil, true)
	crl := makeCRL(t, p.root)
	dir := t.TempDir()
	leaf, inter, root := p.leaf.cert.Raw, p.inter.cert.Raw, p.root.cert.Raw

	p12, err := pkcs12.Modern.Encode(p.leaf.key, p.leaf.cert, []*x509.Certificate{p.inter.cert}, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := pkcs12.LegacyRC2.Encode(p.leaf.key, p.leaf.cert, nil, "old")
	if err != nil {
		t.Fatal(err)
	}
	trust, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{a.cert, b.cert}, "changeit")
	if err != nil {
		t.Fatal(err)
	}
	jks := goJKS(t, p, "storepass")

	files := map[string][]byte{
		"chain.pem":     pemOf("CERTIFICATE", leaf, inter, root),
		"bundle.pem":    pemOf("CERTIFICATE", a.cert.Raw, b.cert.Raw),
		"trusted.pem":   pemOf("TRUSTED CERTIFICATE", append(bytes.Clone(root), 0x30, 0x00)), // OpenSSL's trust settings follow the DER
		"combined.pem":  append(keyPEM(t, p.leaf.key), pemOf("CERTIFICATE", leaf, inter)...),
		"leaf.crt":      leaf, // DER despite the extension: the content decides
		"modern.p12":    p12,
		"wrongpw.p12":   p12,
		"legacy.pfx":    legacy,
		"nopw.pfx":      p12,
		"trust.p12":     trust,
		"store.jks":     jks,
		"badpw.jks":     jks,
		"nopw.jks":      jks,
		"blank.jceks":   append([]byte{0xCE, 0xCE, 0xCE, 0xCE}, make([]byte, 40)...),
		"crl.pem":       pemOf("X509 CRL", crl),
		"crl.der":       crl,
		"garbage.pem":   []byte("hello, not a certificate\n"),
		"broken.pem":    []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
		"key-only.pem":  keyPEM(t, p.leaf.key),
		"empty.cer":     nil,
		"truncated.jks": jks[:len(jks)/2],
	}
	path := map[string]string{}
	for name, data := range files {
		path[name] = write(t, dir, name, data)
	}
	huge := filepath.Join(dir, "huge.pem")
	if err := os.WriteFile(huge, nil, 0o600); err != nil || os.Truncate(huge, wire.MaxFileSize+1) != nil {
		t.Fatal("cannot make a sparse file", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path["chain.pem"], filepath.Join(dir, "link.pem")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone.pem"), filepath.Join(dir, "dangling.pem")); err != nil {
		t.Fatal(err)
	}
	nothing := filepath.Join(dir, "nothing", "*.pem")

	got := readAll(t,
		Source{Pattern: path["modern.p12"], Password: "s3cret"},
		Source{Pattern: path["wrongpw.p12"], Password: "nope"},
		Source{Pattern: path["legacy.pfx"], Password: "old"},
		Source{Pattern: path["trust.p12"], Password: "changeit"},
		Source{Pattern: path["store.jks"], Password: "storepass"},
		Source{Pattern: path["badpw.jks"], Password: "wrong-pass"},
		Source{Pattern: path["truncated.jks"], Password: "storepass"},
		Source{Pattern: nothing},
		Source{Pattern: filepath.Join(dir, "*")}, // the rest, and the files above once only
	)
	key := func(name, entry string) string { return filepath.Join(dir, name) + "|" + entry }
	check(t, got, map[string]want{
		key("chain.pem", ""):       {format: wire.FileFormatPEM, chain: [][]byte{leaf, inter, root}},
		key("link.pem", ""):        {format: wire.FileFormatPEM, chain: [][]byte{leaf, inter, root}},
		key("bundle.pem", "#1"):    {format: wire.FileFormatPEM, chain: [][]byte{a.cert.Raw}},
		key("bundle.pem", "#2"):    {format: wire.FileFormatPEM, chain: [][]byte{b.cert.Raw}},
		key("trusted.pem", ""):     {format: wire.FileFormatPEM, chain: [][]byte{root}},
		key("combined.pem", ""):    {format: wire.FileFormatPEM, chain: [][]byte{leaf, inter}},
		key("leaf.crt", ""):        {format: wire.FileFormatDER, chain: [][]byte{leaf}},
		key("modern.p12", ""):      {format: wire.FileFormatPKCS12, chain: [][]byte{leaf, inter}},
		key("legacy.pfx", ""):      {format: wire.FileFormatPKCS12, chain: [][]byte{leaf}},
		key("wrongpw.p12", ""):     {format: wire.FileFormatPKCS12, kind: wire.FileKindPassword, errHas: "wrong password"},
		key("nopw.pfx", ""):        {format: wire.FileFormatPKCS12, kind: wire.FileKindPassword, errHas: "none is configured"},
		key("trust.p12", "#1"):     {format: wire.FileFormatPKCS12, chain: [][]byte{a.cert.Raw}},
		key("trust.p12", "#2"):     {format: wire.FileFormatPKCS12, chain: [][]byte{b.cert.Raw}},
		key("store.jks", "root"):   {format: wire.FileFormatJKS, chain: [][]byte{root}},
		key("store.jks", "Server"): {format: wire.FileFormatJKS, chain: [][]byte{leaf, inter}},
		key("badpw.jks", ""):       {format: wire.FileFormatJKS, kind: wire.FileKindPassword, errHas: "wrong password"},
		key("nopw.jks", ""):        {format: wire.FileFormatJKS, kind: wire.FileKindPassword, errHas: "none is configured"},
		key("truncated.jks", ""):   {format: wire.FileFormatJKS, kind: wire.FileKindMalformed, errHas: "not a valid JKS keystore: truncated"},
		key("blank.jceks", ""):     {format: wire.FileFormatJCEKS, kind: wire.FileKindMalformed, errHas: "not a valid JCEKS keystore: unknown version 0"},
		key("crl.pem", ""):         {format: wire.FileFormatCRL, crl: crl},
		key("crl.der", ""):         {format: wire.FileFormatCRL, crl: crl},
		key("garbage.pem", ""):     {format: wire.FileFormatPEM, kind: wire.FileKindMalformed, errHas: "not a certificate, keystore or CRL"},
		key("broken.pem", ""):      {format: wire.FileFormatPEM, kind: wire.FileKindMalformed, errHas: "PEM block 1: not a valid certificate"},
		key("key-only.pem", ""):    {format: wire.FileFormatPEM, kind: wire.FileKindMalformed, errHas: "holds no certificate or CRL"},
		key("empty.cer", ""):       {format: wire.FileFormatPEM, kind: wire.FileKindMalformed, errHas: "the file is empty"},
		key("huge.pem", ""):        {format: wire.FileFormatPEM, kind: wire.FileKindTooLarge, errHas: "more than the 16777216"},
		key("subdir", ""):          {kind: wire.FileKindUnreadable, errHas: "directory"},
		key("dangling.pem", ""):    {format: wire.FileFormatPEM, kind: wire.FileKindMissing, errHas: "does not exist"},
		nothing + "|":              {format: wire.FileFormatPEM, kind: wire.FileKindMissing, errHas: "no file matches"},
	})
	for _, res := range got {
		if strings.Contains(res.Error, "s3cret") || strings.Contains(res.Error, "storepass") || strings.Contains(res.Error, "wrong-pass") {
			t.Errorf("error text holds a password: %q", res.Error)
		}
	}
}

// goJKS makes a JKS keystore with the library: a private-key entry with
// its chain and a trusted root.
func goJKS(t testing.TB, p pki, password string) []byte {
	t.Helper()
	ks := keystore.New(keystore.WithCaseExactAliases())
	keyDER := keyPKCS8(t, p.leaf.key)
	err := ks.SetPrivateKeyEntry("Server", keystore.PrivateKeyEntry{
		CreationTime: time.Now(), PrivateKey: keyDER,
		CertificateChain: []keystore.Certificate{
			{Type: "X.509", Content: p.leaf.cert.Raw}, {Type: "X.509", Content: p.inter.cert.Raw},
		},
	}, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	err = ks.SetTrustedCertificateEntry("root", keystore.TrustedCertificateEntry{
		CreationTime: time.Now(), Certificate: keystore.Certificate{Type: "X.509", Content: p.root.cert.Raw},
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ks.Store(&buf, []byte(password)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
