package filesource

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unicode/utf16"

	"certinel.dev/shared/wire"
)

// keytoolJCEKS makes a JCEKS keystore with keytool: a secret key written
// first, then a private key with its self-signed certificate and a trusted
// root.
func keytoolJCEKS(t *testing.T, dir string, root []byte) string {
	t.Helper()
	path := filepath.Join(dir, "java.jceks")
	rootPEM := write(t, dir, "root.pem", pemOf("CERTIFICATE", root))
	store := []string{"-storetype", "JCEKS", "-keystore", path, "-storepass", "changeit"}
	run(t, "keytool", append([]string{"-genseckey", "-alias", "aes3", "-keyalg", "AES", "-keysize", "128", "-keypass", "changeit"}, store...)...)
	run(t, "keytool", append([]string{"-genkeypair", "-alias", "Tomcat", "-keyalg", "EC", "-groupname", "secp256r1",
		"-dname", "CN=tomcat.test", "-validity", "30", "-keypass", "changeit"}, store...)...)
	run(t, "keytool", append([]string{"-importcert", "-noprompt", "-alias", "root", "-file", rootPEM}, store...)...)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Java writes entries in its hash table's order; "aes3" was chosen to
	// come first, so that reading the others needs the secret key skipped.
	if tag := binary.BigEndian.Uint32(data[12:]); tag != jceksSecretKey {
		t.Fatalf("first entry has tag %d, want the secret key first", tag)
	}
	return path
}

// TestKeytoolJCEKS reads a keystore keytool made, then damages it every
// way a length can lie: every truncation, a trailing byte, and every 4-byte
// field set to a huge value. Each must be refused as malformed (or, where
// only a certificate's bytes changed, as failing the digest), without a
// panic and without allocating what the lengths claim.
func TestKeytoolJCEKS(t *testing.T) {
	p := newPKI(t)
	dir := t.TempDir()
	path := keytoolJCEKS(t, dir, p.root.cert.Raw)

	got := readAll(t, Source{Pattern: path, Password: "changeit"})
	tomcat := got[path+"|tomcat"] // keytool lowercases aliases
	if tomcat.ErrorKind != "" || len(tomcat.Chain) != 1 || tomcat.File.Format != wire.FileFormatJCEKS {
		t.Errorf("tomcat entry: %+v %+v", tomcat, tomcat.File)
	}
	delete(got, path+"|tomcat")
	check(t, got, map[string]want{
		path + "|root": {format: wire.FileFormatJCEKS, chain: [][]byte{p.root.cert.Raw}},
	})

	got = readAll(t, Source{Pattern: path, Password: "wrong"})
	check(t, got, map[string]want{
		path + "|": {format: wire.FileFormatJCEKS, kind: wire.FileKindPassword, errHas: "wrong password for the JCEKS keystore"},
	})
	got = readAll(t, Source{Pattern: path})
	check(t, got, map[string]want{
		path + "|": {format: wire.FileFormatJCEKS, kind: wire.FileKindPassword, errHas: "none is configured"},
	})

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(data) {
		if _, _, err := Parse(data[:n], "t.jceks", "changeit"); kindOf(err) != wire.FileKindMalformed {
			t.Fatalf("truncated to %d bytes: %v (kind %q), want malformed", n, err, kindOf(err))
		}
	}
	if _, _, err := Parse(append(bytes.Clone(data), 0), "t.jceks", "changeit"); kindOf(err) != wire.FileKindMalformed {
		t.Errorf("trailing byte: %v, want malformed", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 4; i+4 <= len(data); i++ {
		for _, v := range []uint32{0x7FFFFFFF, 0xFFFFFFFF, 0x00FFFFFF} {
			bad := bytes.Clone(data)
			binary.BigEndian.PutUint32(bad[i:], v)
			if items, _, err := Parse(bad, "t.jceks", "changeit"); err == nil && !bytes.Equal(bad, data) {
				t.Fatalf("offset %d set to %#x: read %d items", i, v, len(items))
			}
		}
	}
	runtime.ReadMemStats(&after)
	if total := after.TotalAlloc - before.TotalAlloc; total > 256<<20 {
		t.Errorf("hostile lengths allocated %d MB in all", total>>20)
	}
}

// TestJCEKSSkipsJavaStreams reads a keystore built here around secret-key
// objects shaped in the ways the object stream allows (references, nested
// objects, block data), so each path of the skipper is exercised.
func TestJCEKSSkipsJavaStreams(t *testing.T) {
	p := newPKI(t)
	data := goJCEKS(t, p, "pw", sealedKeyStream(), nestedStream())
	items, format, err := Parse(data, "x.jceks", "pw")
	if err != nil || format != wire.FileFormatJCEKS {
		t.Fatalf("Parse: %v (%s)", err, format)
	}
	if len(items) != 2 || items[0].Entry != "server" || len(items[0].Chain) != 2 || items[1].Entry != "root" {
		t.Fatalf("items %+v", items)
	}
}

// goJCEKS builds a JCEKS keystore: one secret-key entry per stream, then a
// private-key entry (leaf and intermediate) and a trusted root.
func goJCEKS(t testing.TB, p pki, password string, secrets ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	u32 := func(v int) { b.Write(binary.BigEndian.AppendUint32(nil, uint32(v))) }
	utf := func(s string) { b.Write(binary.BigEndian.AppendUint16(nil, uint16(len(s)))); b.WriteString(s) }
	cert := func(der []byte) { utf("X.509"); u32(len(der)); b.Write(der) }
	u32(jceksMagic)
	u32(2)
	u32(len(secrets) + 2)
	for i, s := range secrets {
		u32(jceksSecretKey)
		utf("secret" + string(rune('a'+i)))
		b.Write(make([]byte, 8))
		b.Write(s)
	}
	u32(jksPrivateKey)
	utf("server")
	b.Write(make([]byte, 8))
	u32(16)
	b.Write(make([]byte, 16)) // stands for the encrypted key
	u32(2)
	cert(p.leaf.cert.Raw)
	cert(p.inter.cert.Raw)
	u32(jksTrusted)
	utf("root")
	b.Write(make([]byte, 8))
	cert(p.root.cert.Raw)

	h := sha1.New()
	for _, u := range utf16.Encode([]rune(password)) {
		h.Write([]byte{byte(u >> 8), byte(u)})
	}
	h.Write([]byte("Mighty Aphrodite"))
	h.Write(b.Bytes())
	return h.Sum(b.Bytes())
}

// javaStreamWriter writes object stream elements for tests.
type javaStreamWriter struct{ bytes.Buffer }

func (w *javaStreamWriter) u8(v ...byte) { w.Write(v) }
func (w *javaStreamWriter) utf(s string) {
	w.Write(binary.BigEndian.AppendUint16(nil, uint16(len(s))))
	w.WriteString(s)
}
func (w *javaStreamWriter) u32(v uint32) { w.Write(binary.BigEndian.AppendUint32(nil, v)) }

// field writes a field of a class descriptor; an object field's class name
// follows as a new string or, when className is empty, a reference to the
// handle ref.
func (w *javaStreamWriter) field(code byte, name, className string, ref uint32) {
	w.u8(code)
	w.utf(name)
	switch {
	case code != '[' && code != 'L':
	case className != "":
		w.u8(tcString)
		w.utf(className)
	default:
		w.u8(tcReference)
		w.u32(javaBaseHandle + ref)
	}
}

// classDesc writes a new class descriptor with no superclass.
func (w *javaStreamWriter) classDesc(name string, flags byte, fields func()) {
	w.u8(tcClassDesc)
	w.utf(name)
	w.Write(make([]byte, 8))
	w.u8(flags)
	fields()
	w.u8(tcEndBlockData, tcNull)
}

// sealedKeyStream is shaped like Java's sealed key: an object whose class
// has byte-array and string fields, the second array's class given by
// reference.
func sealedKeyStream() []byte {
	var w javaStreamWriter
	w.u8(0xAC, 0xED, 0, 5, tcObject)
	w.classDesc("SealedKey", scSerializable, func() {
		w.Write([]byte{0, 4})
		w.field('[', "params", "[B", 0)
		w.field('[', "content", "", 1) // the "[B" above
		w.field('L', "alg", "Ljava/lang/String;", 0)
		w.field('I', "n", "", 0)
	})
	// Values: params, content, alg, n.
	w.u8(tcArray)
	w.classDesc("[B", scSerializable, func() { w.Write([]byte{0, 0}) })
	w.u32(3)
	w.u8(1, 2, 3)
	w.u8(tcArray, tcReference)
	w.u32(javaBaseHandle + 4) // the [B descriptor
	w.u32(2)
	w.u8(4, 5)
	w.u8(tcString)
	w.utf("PBEWithMD5AndTripleDES")
	w.u32(7)
	return w.Bytes()
}

// nestedStream has an object with a custom write method whose annotation
// holds block data and a nested object, an object array and a long.
func nestedStream() []byte {
	var w javaStreamWriter
	w.u8(0xAC, 0xED, 0, 5, tcObject)
	w.classDesc("Outer", scSerializable|scWriteMethod, func() {
		w.Write([]byte{0, 2})
		w.field('J', "when", "", 0)
		w.field('[', "parts", "[Ljava/lang/Object;", 0)
	})
	w.Write(make([]byte, 8)) // when
	w.u8(tcArray)
	w.classDesc("[Ljava/lang/Object;", scSerializable, func() { w.Write([]byte{0, 0}) })
	w.u32(2)
	w.u8(tcNull, tcString)
	w.utf("part")
	w.u8(tcBlockData, 3, 9, 9, 9) // written by the write method
	w.u8(tcObject, tcReference)
	w.u32(javaBaseHandle) // another Outer
	w.Write(make([]byte, 8))
	w.u8(tcNull, tcEndBlockData) // its parts, its annotation
	w.u8(tcEndBlockData)
	return w.Bytes()
}
