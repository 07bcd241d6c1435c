package secret

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// ParseKeys reads base64 keys separated by commas or white space (one a
// line in a key file), the current key first, and returns their keyring.
func ParseKeys(text string) (*Keyring, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	if len(fields) == 0 {
		return nil, errors.New("no key given")
	}
	keys := make([][]byte, len(fields))
	for i, f := range fields {
		key, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			return nil, fmt.Errorf("key %d is not base64", i+1)
		}
		if len(key) != chacha20poly1305.KeySize {
			return nil, fmt.Errorf("key %d has %d bytes, want %d (openssl rand -base64 32)", i+1, len(key), chacha20poly1305.KeySize)
		}
		keys[i] = key
	}
	return NewKeyring(keys...)
}

// ReadKeyFile loads a keyring from a file written by hand or by
// GenerateKeyFile.
func ReadKeyFile(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret: read key file: %w", err)
	}
	k, err := ParseKeys(string(b))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return k, nil
}

// GenerateKeyFile writes a new random key to path, readable by its owner
// only, and refuses to replace an existing file: losing a key loses every
// value sealed with it.
func GenerateKeyFile(path string) (*Keyring, error) {
	key := make([]byte, chacha20poly1305.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secret: generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("secret: create key file: %w", err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
		_ = os.Remove(path) // a torn key file would stop the next start
		return nil, fmt.Errorf("secret: write key file %s: %w", path, err)
	}
	return NewKeyring(key)
}
