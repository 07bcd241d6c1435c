package filesource

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"certinel.dev/shared/wire"
)

// run runs a tool of the host, skipping the test when it is not installed.
func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func TestKeytoolKeystores(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	rootPEM := write(t, dir, "root.pem", pemOf("CERTIFICATE", p.root.cert.Raw))
	jks := filepath.Join(dir, "java.jks")
	run(t, "keytool", "-genkeypair", "-alias", "Tomcat", "-keyalg", "EC", "-groupname", "secp256r1",
		"-dname", "CN=tomcat.test", "-validity", "30", "-storetype", "JKS", "-keystore", jks,
		"-storepass", "changeit", "-keypass", "changeit")
	run(t, "keytool", "-importcert", "-noprompt", "-alias", "root", "-file", rootPEM,
		"-storetype", "JKS", "-keystore", jks, "-storepass", "changeit")

	got := readAll(t, Source{Pattern: jks, Password: "changeit"})
	// keytool lowercases aliases.
	tomcat := got[jks+"|tomcat"]
	if tomcat.ErrorKind != "" || len(tomcat.Chain) != 1 || tomcat.File.Format != wire.FileFormatJKS {
		t.Errorf("tomcat entry: %+v %+v", tomcat, tomcat.File)
	}
	check(t, map[string]wire.Result{jks + "|root": got[jks+"|root"]}, map[string]want{
		jks + "|root": {format: wire.FileFormatJKS, chain: [][]byte{p.root.cert.Raw}},
	})
	if len(got) != 2 {
		t.Errorf("%d results, want 2", len(got))
	}
}

func TestOpenSSLPKCS12(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	key := write(t, dir, "key.pem", keyPEM(t, p.leaf.key))
	leaf := write(t, dir, "leaf.pem", pemOf("CERTIFICATE", p.leaf.cert.Raw))
	inter := write(t, dir, "inter.pem", pemOf("CERTIFICATE", p.inter.cert.Raw))
	out := filepath.Join(dir, "server.p12")
	// OpenSSL 3's defaults: AES-256-CBC under PBES2, what x/crypto/pkcs12 cannot read.
	run(t, "openssl", "pkcs12", "-export", "-inkey", key, "-in", leaf, "-certfile", inter,
		"-name", "server", "-passout", "pass:open sesame", "-out", out)
	if err := os.Remove(key); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, Source{Pattern: out, Password: "open sesame"})
	check(t, got, map[string]want{
		out + "|": {format: wire.FileFormatPKCS12, chain: [][]byte{p.leaf.cert.Raw, p.inter.cert.Raw}},
	})
}
