package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func keyring(t *testing.T, keys ...[]byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := keyring(t, key(1))
	sealed, err := k.Seal([]byte(`{"secret":"hunter2"}`), "org-a", "ch-1")
	if err != nil {
		t.Fatal(err)
	}
	if !IsSealed(sealed) || !strings.HasPrefix(sealed, "v1:"+KeyID(key(1))+":") || strings.Contains(sealed, "hunter2") {
		t.Fatalf("sealed form %q", sealed)
	}
	if again, _ := k.Seal([]byte(`{"secret":"hunter2"}`), "org-a", "ch-1"); again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	plain, err := k.Open(sealed, "org-a", "ch-1")
	if err != nil || string(plain) != `{"secret":"hunter2"}` {
		t.Fatalf("open: %q, %v", plain, err)
	}

	for name, ctx := range map[string][]string{
		"other org":     {"org-b", "ch-1"},
		"other row":     {"org-a", "ch-2"},
		"shifted parts": {"org-a", "ch", "-1"},
		"no context":    nil,
	} {
		if _, err := k.Open(sealed, ctx...); !errors.Is(err, ErrNotOpened) {
			t.Errorf("%s: open gave %v, want ErrNotOpened", name, err)
		}
	}
	box := []byte(sealed)
	box[len(box)-2] ^= 'A' ^ 'B'
	if _, err := k.Open(string(box), "org-a", "ch-1"); err == nil {
		t.Error("a tampered value opened")
	}
}

func TestWrongAndRotatedKeys(t *testing.T) {
	old := keyring(t, key(1))
	sealed, err := old.Seal([]byte("s"), "o", "c")
	if err != nil {
		t.Fatal(err)
	}
	_, err = keyring(t, key(2)).Open(sealed, "o", "c")
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), KeyID(key(1))) {
		t.Fatalf("wrong key: %v, want ErrUnknownKey naming key id %s", err, KeyID(key(1)))
	}
	// A value claiming the new key's id still does not open with it.
	forged := strings.Replace(sealed, KeyID(key(1)), KeyID(key(2)), 1)
	if _, err := keyring(t, key(2)).Open(forged, "o", "c"); !errors.Is(err, ErrNotOpened) {
		t.Fatalf("forged key id: %v", err)
	}

	rotated := keyring(t, key(2), key(1))
	if plain, err := rotated.Open(sealed, "o", "c"); err != nil || string(plain) != "s" {
		t.Fatalf("old key after rotation: %q, %v", plain, err)
	}
	if rotated.SealedWithCurrent(sealed) || !old.SealedWithCurrent(sealed) {
		t.Fatal("SealedWithCurrent does not follow the current key")
	}
}

func TestMalformed(t *testing.T) {
	k := keyring(t, key(1))
	for _, s := range []string{"", `{"url":"x"}`, "v1:", "v1:abcd", "v2:" + KeyID(key(1)) + ":AAAA", "v1:" + KeyID(key(1)) + ":!!", "v1:" + KeyID(key(1)) + ":AAAA"} {
		if _, err := k.Open(s); !errors.Is(err, ErrMalformed) {
			t.Errorf("Open(%q) = %v, want ErrMalformed", s, err)
		}
	}
}

func TestParseKeys(t *testing.T) {
	a, b := base64.StdEncoding.EncodeToString(key(1)), base64.StdEncoding.EncodeToString(key(2))
	k, err := ParseKeys(" " + a + ",\n" + b + "\n")
	if err != nil || k.Current() != KeyID(key(1)) || len(k.aeads) != 2 {
		t.Fatalf("two keys: %v %v", k, err)
	}
	for text, want := range map[string]string{
		"":            "no key given",
		"not-base64!": "key 1 is not base64",
		a + "," + base64.StdEncoding.EncodeToString(key(3)[:16]): "key 2 has 16 bytes, want 32",
	} {
		if _, err := ParseKeys(text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKeys(%q) = %v, want %q", text, err, want)
		}
	}
}

func TestGenerateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	k, err := GenerateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", info.Mode(), err)
	}
	read, err := ReadKeyFile(path)
	if err != nil || read.Current() != k.Current() {
		t.Fatalf("read back %v, %v", read, err)
	}
	if _, err := GenerateKeyFile(path); !errors.Is(err, os.ErrExist) {
		t.Fatalf("second generation: %v, want it to refuse to replace the key", err)
	}
}

// FuzzOpen: whatever the column holds, Open answers an error or the value
// sealed, never a panic; and every plaintext survives a round trip.
func FuzzOpen(f *testing.F) {
	k, err := NewKeyring(key(1))
	if err != nil {
		f.Fatal(err)
	}
	sealed, _ := k.Seal([]byte(`{"secret":"s"}`), "o", "c")
	for _, s := range []string{sealed, "", "v1:", "v1::", "v1:" + KeyID(key(1)) + ":", `{"url":"x"}`} {
		f.Add(s, "o")
	}
	f.Fuzz(func(t *testing.T, s, org string) {
		_, _ = k.Open(s, org, "c")
		box, err := k.Seal([]byte(s), org, "c")
		if err != nil {
			t.Fatal(err)
		}
		if plain, err := k.Open(box, org, "c"); err != nil || string(plain) != s {
			t.Fatalf("round trip of %q: %q, %v", s, plain, err)
		}
	})
}
