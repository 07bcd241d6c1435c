package identity

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"certinel.dev/agent/internal/atomicfile"
)

// A server pin is "sha256:<hex>" of the server leaf's public key (SPKI) or
// of the whole leaf certificate. It is checked on top of the usual
// verification (system roots or CERTINEL_CA_FILE), on every connection.

const pinPrefix = "sha256:"

// ParsePin reads a pin as given on the command line.
func ParsePin(s string) ([]byte, error) {
	raw, ok := strings.CutPrefix(strings.TrimSpace(s), pinPrefix)
	pin, err := hex.DecodeString(raw)
	if !ok || err != nil || len(pin) != sha256.Size {
		return nil, fmt.Errorf("identity: want a server pin sha256:<64 hex digits>, got %q", s)
	}
	return pin, nil
}

// SavePin keeps the pin given at enrollment for the later runs.
func (d Dir) SavePin(pin []byte) error {
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return fmt.Errorf("identity: create %s: %w", d, err)
	}
	if err := atomicfile.Write(d.path(PinFileName), []byte(pinPrefix+hex.EncodeToString(pin)+"\n"), 0o600); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

// LoadPin reads the kept pin; nil when none was given.
func (d Dir) LoadPin() ([]byte, error) {
	data, err := os.ReadFile(d.path(PinFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return ParsePin(string(data))
}

// ErrPinMismatch: the server is not the pinned one; the connection is
// dropped before anything is sent.
var ErrPinMismatch = errors.New("the server's certificate does not match the pinned one (--server-pin at enrollment)")

// VerifyPin is a tls.Config.VerifyConnection that accepts only a server
// whose leaf matches pin, by its SPKI or its whole certificate.
func VerifyPin(pin []byte) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return ErrPinMismatch
		}
		leaf := cs.PeerCertificates[0]
		spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
		whole := sha256.Sum256(leaf.Raw)
		if subtle.ConstantTimeCompare(spki[:], pin) == 1 || subtle.ConstantTimeCompare(whole[:], pin) == 1 {
			return nil
		}
		return fmt.Errorf("%w: it has SPKI %s%x", ErrPinMismatch, pinPrefix, spki)
	}
}
