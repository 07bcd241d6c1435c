package identity

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"certinel.dev/agent/internal/atomicfile"
	"certinel.dev/shared/wire"
)

// PendingFileName holds the key of an enrollment waiting for an admin's
// approval, so that the enroll command, run again after an interruption,
// resumes waiting with the same key instead of failing on its spent join
// token. It goes once the enrollment ends.
const PendingFileName = "agent-enrollment-pending.pem"

// PEM headers of the pending key: the enrollment to poll and which join
// token it spent (as a SHA-256 hash: a new token means a new enrollment).
const (
	headerEnrollment = "Enrollment-Id"
	headerJoinToken  = "Join-Token-Sha256"
)

// Pending is an enrollment waiting for approval, with the key it submitted.
type Pending struct {
	Key          *ecdsa.PrivateKey
	EnrollmentID string
}

// ErrNoPending: no enrollment of this join token is waiting.
var ErrNoPending = errors.New("identity: no pending enrollment")

func joinTokenHash(joinToken string) string {
	sum := sha256.Sum256([]byte(joinToken))
	return hex.EncodeToString(sum[:])
}

// SavePending keeps the key of the enrollment the join token started.
func (d Dir) SavePending(key *ecdsa.PrivateKey, enrollmentID, joinToken string) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("identity: encode key: %w", err)
	}
	block := &pem.Block{Type: "PRIVATE KEY", Bytes: der,
		Headers: map[string]string{headerEnrollment: enrollmentID, headerJoinToken: joinTokenHash(joinToken)}}
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return fmt.Errorf("identity: create %s: %w", d, err)
	}
	if err := atomicfile.Write(d.path(PendingFileName), pem.EncodeToMemory(block), 0o600); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

// LoadPending returns the enrollment the join token started and still
// waits; ErrNoPending when there is none, or it was another token's.
func (d Dir) LoadPending(joinToken string) (Pending, error) {
	data, err := os.ReadFile(d.path(PendingFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return Pending{}, ErrNoPending
	}
	if err != nil {
		return Pending{}, fmt.Errorf("identity: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Headers[headerEnrollment] == "" {
		return Pending{}, fmt.Errorf("identity: %s: not a pending enrollment key", d.path(PendingFileName))
	}
	if block.Headers[headerJoinToken] != joinTokenHash(joinToken) {
		return Pending{}, ErrNoPending
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	key, ok := parsed.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return Pending{}, fmt.Errorf("identity: %s: not an ECDSA key: %v", d.path(PendingFileName), err)
	}
	return Pending{Key: key, EnrollmentID: block.Headers[headerEnrollment]}, nil
}

// Fingerprint is the key's fingerprint as the server shows it to the
// admin who approves the enrollment.
func Fingerprint(key *ecdsa.PrivateKey) (string, error) {
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", fmt.Errorf("identity: encode public key: %w", err)
	}
	return wire.KeyFingerprint(spki), nil
}

// RemovePending forgets the pending enrollment's key.
func (d Dir) RemovePending() error {
	if err := os.Remove(d.path(PendingFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}
