package filesource

import (
	"crypto/sha1"
	"crypto/subtle"
	"errors"
	"fmt"
	"unicode/utf16"

	"certinel.dev/shared/wire"
)

// jceksSecretKey is the JCEKS entry tag of a secret (symmetric) key.
const jceksSecretKey = 3

// readJCEKS reads a JCEKS keystore: each entry holding certificates is one
// item named by its alias, like JKS. Private keys are skipped still
// encrypted and secret keys skipped still sealed: nothing is decrypted.
// The whole file is walked before the password is checked, so a damaged
// file is reported as damaged rather than as a wrong password.
func readJCEKS(data []byte, password string) ([]Item, error) {
	items, err := jceksEntries(data)
	if err != nil {
		return nil, malformed("not a valid JCEKS keystore: %v", err)
	}
	if password == "" {
		return nil, passwordError("the JCEKS keystore needs a password and none is configured for its pattern")
	}
	if !javaKeystoreDigestOK(data, password) {
		return nil, passwordError("wrong password for the JCEKS keystore (or the file was altered)")
	}
	return items, nil
}

// jceksEntries walks the entries, checking every length against what is
// left of the file before using it.
func jceksEntries(data []byte) ([]Item, error) {
	f := &frame{data: data}
	f.skip(4) // magic, checked by the caller
	version := f.uint32()
	if f.err == nil && version != 1 && version != 2 {
		return nil, fmt.Errorf("unknown version %d", version)
	}
	count := f.uint32()
	var items []Item
	for i := uint32(0); i < count && f.err == nil; i++ {
		tag := f.uint32()
		alias := string(f.take(int(f.uint16())))
		f.skip(8) // creation time
		var ders [][]byte
		switch {
		case f.err != nil:
		case tag == jksPrivateKey:
			f.skip(int(f.uint32())) // the encrypted key, never decrypted
			n := f.uint32()
			if uint64(n)*4 > uint64(len(f.data)) { // a certificate takes at least its length
				return nil, fmt.Errorf("entry %q: %w", alias, errTruncated)
			}
			for j := uint32(0); j < n && f.err == nil; j++ {
				ders = append(ders, f.javaCert(version))
			}
		case tag == jksTrusted:
			ders = [][]byte{f.javaCert(version)}
		case tag == jceksSecretKey:
			if err := skipJavaObject(f); err != nil {
				return nil, fmt.Errorf("entry %q (secret key): %w", alias, err)
			}
		default:
			return nil, fmt.Errorf("entry %d: unknown tag %d", i+1, tag)
		}
		if f.err != nil || len(ders) == 0 {
			continue
		}
		item, err := entryItem(alias, wire.FileFormatJCEKS, ders)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	if f.err != nil {
		return nil, f.err
	}
	if len(f.data) != jksDigestSize {
		return nil, errors.New("the entries do not end where the digest starts")
	}
	return items, nil
}

// javaKeystoreDigestOK checks the keyed SHA-1 that ends a JKS or JCEKS
// file: SHA-1 over the password in UTF-16BE, the words "Mighty Aphrodite"
// and everything before the digest.
func javaKeystoreDigestOK(data []byte, password string) bool {
	if len(data) < jksDigestSize {
		return false
	}
	body, digest := data[:len(data)-jksDigestSize], data[len(data)-jksDigestSize:]
	h := sha1.New()
	units := utf16.Encode([]rune(password))
	pw := make([]byte, 2*len(units))
	for i, u := range units {
		pw[2*i], pw[2*i+1] = byte(u>>8), byte(u)
	}
	h.Write(pw)
	clear(pw)
	h.Write([]byte("Mighty Aphrodite"))
	h.Write(body)
	return subtle.ConstantTimeCompare(h.Sum(nil), digest) == 1
}
