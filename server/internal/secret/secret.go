// Package secret encrypts the credentials the server keeps in its database
// (channel configs: webhook signing secrets, webhook URLs that embed tokens)
// with XChaCha20-Poly1305 under keys the operator provides.
//
// A sealed value reads "v1:<key id>:<base64 of nonce and ciphertext>". The key
// id names the key that sealed it, so a keyring can hold old keys for reading
// while new values are sealed with the current one (rotation). The caller's
// context (organization and row IDs) is bound in as associated data, so a value
// copied to another row or tenant does not open.
package secret

import (
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// version prefixes every sealed value; a new format gets a new version.
const version = "v1"

// Prefix begins every sealed value, for queries that look for them.
const Prefix = version + ":"

// Errors of Open. ErrUnknownKey means the keyring lacks the key that sealed
// the value (a rotated-out or wrong key); ErrNotOpened means the key is known
// but the value does not open: tampered, or moved to another row.
var (
	ErrUnknownKey = errors.New("secret: sealed with a key this server does not have")
	ErrNotOpened  = errors.New("secret: value does not open (tampered or moved to another row)")
	ErrMalformed  = errors.New("secret: not a sealed value")
)

// Keyring seals with its current key and opens with any of its keys.
type Keyring struct {
	current string // key id
	aeads   map[string]cipher.AEAD
}

// NewKeyring builds a keyring from 32-byte keys, the current one first and
// older ones, still needed to open values sealed before a rotation, after.
func NewKeyring(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("secret: no key given")
	}
	k := &Keyring{aeads: make(map[string]cipher.AEAD, len(keys))}
	for i, key := range keys {
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			return nil, fmt.Errorf("secret: key %d: want %d bytes, got %d", i+1, chacha20poly1305.KeySize, len(key))
		}
		id := KeyID(key)
		if i == 0 {
			k.current = id
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// KeyID names a key without revealing it: the start of its SHA-256, enough
// to tell an operator's few keys apart.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// Current is the id of the key new values are sealed with.
func (k *Keyring) Current() string { return k.current }

// Seal encrypts plaintext bound to context (e.g. organization ID, row ID).
func (k *Keyring) Seal(plaintext []byte, context ...string) (string, error) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	box := aead.Seal(nonce, nonce, plaintext, associated(k.current, context))
	return version + ":" + k.current + ":" + base64.RawStdEncoding.EncodeToString(box), nil
}

// Open decrypts a value sealed with the same context.
func (k *Keyring) Open(sealed string, context ...string) ([]byte, error) {
	id, box, err := parse(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w (key id %s)", ErrUnknownKey, id)
	}
	if len(box) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrMalformed
	}
	plain, err := aead.Open(nil, box[:aead.NonceSize()], box[aead.NonceSize():], associated(id, context))
	if err != nil {
		return nil, fmt.Errorf("%w (key id %s)", ErrNotOpened, id)
	}
	return plain, nil
}

// IsSealed tells a sealed value from a plaintext one written before
// encryption existed.
func IsSealed(s string) bool { return strings.HasPrefix(s, Prefix) }

// SealedWithCurrent tells whether a value needs no re-sealing.
func (k *Keyring) SealedWithCurrent(s string) bool {
	id, _, err := parse(s)
	return err == nil && id == k.current
}

func parse(sealed string) (id string, box []byte, err error) {
	v, rest, ok := strings.Cut(sealed, ":")
	if !ok || v != version {
		return "", nil, ErrMalformed
	}
	id, enc, ok := strings.Cut(rest, ":")
	if !ok || id == "" {
		return "", nil, ErrMalformed
	}
	if box, err = base64.RawStdEncoding.DecodeString(enc); err != nil {
		return "", nil, ErrMalformed
	}
	return id, box, nil
}

// associated binds the format, the key id and the caller's context, each
// length-prefixed so that ("ab", "c") and ("a", "bc") differ.
func associated(id string, context []string) []byte {
	parts := append([]string{version, id}, context...)
	var b []byte
	for _, p := range parts {
		b = fmt.Appendf(b, "%d:%s;", len(p), p)
	}
	return b
}
