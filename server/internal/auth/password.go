// Package auth holds the credential primitives: password hashing, random
// tokens stored only as hashes, CSRF tokens and the login limits.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// argonCost is the time and memory (KiB) of one hash.
type argonCost struct{ time, memory uint32 }

// hashCost is what HashPassword spends. A test binary (never a server)
// spends the least argon2id allows: the API tests sign up and log in
// hundreds of users under the race detector, where one hash at full cost
// takes seconds. A stored hash names its own parameters, so checking a
// password is the same code either way.
func hashCost() argonCost {
	if testing.Testing() {
		return argonCost{time: 1, memory: 8 * argonThreads}
	}
	return argonCost{time: argonTime, memory: argonMemory}
}

// ErrMismatch means a password does not match its hash.
var ErrMismatch = errors.New("auth: password mismatch")

// HashPassword returns a PHC-style argon2id string with its parameters,
// so they can be raised later without invalidating stored hashes.
func HashPassword(password string) (string, error) {
	return hashPassword(password, hashCost())
}

func hashPassword(password string, cost argonCost) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, cost.time, cost.memory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cost.memory, cost.time, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword compares a password with a stored hash in constant time.
func CheckPassword(encoded, password string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return fmt.Errorf("auth: unknown password hash format")
	}
	var version int
	var memory, time uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return fmt.Errorf("auth: unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return fmt.Errorf("auth: bad argon2 parameters %q: %w", parts[3], err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("auth: bad salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("auth: bad key: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, time, memory, threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// dummyHash is checked against when a login names an unknown email, so
// that the answer takes as long as for a known one.
var dummyHash = func() string {
	h, err := HashPassword("certinel-timing-equaliser")
	if err != nil {
		panic(err)
	}
	return h
}()

// BurnPasswordCheck spends the time of one password check.
func BurnPasswordCheck(password string) {
	_ = CheckPassword(dummyHash, password)
}
