package wire

import "time"

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
