package wire

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Agent identity by mutual TLS. An agent enrolls once with a join token
// (EnrollPath, the token as the bearer) and afterwards renews over mutual
// TLS with its current certificate (RenewPath). Both take a
// CertificateRequest for a key the agent generated and keeps, and answer a
// CertificateResponse.
const (
	EnrollPath = "api/v1/agent/enroll"
	RenewPath  = "api/v1/agent/renew"
)

// CertificateRequest carries a PEM certificate request (PKCS #10) for an
// ECDSA P-256 key, signed by that key.
type CertificateRequest struct {
	CSR string `json:"csr"`
}

// CertificateResponse is the agent's new client certificate (PEM) and the
// CA chain above it: the issuing CA, then the root.
type CertificateResponse struct {
	Certificate string    `json:"certificate"`
	Chain       []string  `json:"chain"`
	Serial      string    `json:"serial"`
	NotAfter    time.Time `json:"not_after"`
}

// EnrollmentsPath is where an agent whose enrollment waits for an admin's
// approval asks for its outcome: EnrollmentsPath + the enrollment id, with
// the same join token as the bearer. It answers 202 and an
// EnrollmentStatus while pending, 200 and the CertificateResponse once
// approved, 403 with code EnrollmentRejected or EnrollmentExpired after.
const EnrollmentsPath = "api/v1/agent/enrollments/"

// Outcomes of an enrollment that waited for approval, as error codes.
const (
	EnrollmentRejected = "enrollment_rejected"
	EnrollmentExpired  = "enrollment_expired"
)

// EnrollmentStatus is the answer (202) to an enrollment held for an
// admin's approval, and to each poll while it waits.
type EnrollmentStatus struct {
	Status         string `json:"status"` // "pending"
	EnrollmentID   string `json:"enrollment_id"`
	KeyFingerprint string `json:"key_fingerprint"`
}

// KeyFingerprint names a public key as the agent prints it and the admin
// approves it: sha256:<hex> of its SubjectPublicKeyInfo (DER).
func KeyFingerprint(spki []byte) string {
	sum := sha256.Sum256(spki)
	return "sha256:" + hex.EncodeToString(sum[:])
}
