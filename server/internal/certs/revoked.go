package certs

import "time"

// Revocation is a CA's revocation of a certificate, as the server found it
// by OCSP or CRL (see package revocation).
type Revocation struct {
	RevokedAt time.Time
	Reason    string
}

// RevokedCert names a certificate of the chain its CA revoked.
type RevokedCert struct {
	Position  int       `json:"position"`
	SHA256    string    `json:"sha256"`
	RevokedAt time.Time `json:"revoked_at"`
	Reason    string    `json:"reason"`
}

// revokedIn lists the certificates of the chain that revoked holds.
func revokedIn(chain []*Cert, revoked map[string]Revocation) []RevokedCert {
	var out []RevokedCert
	for i, c := range chain {
		if r, ok := revoked[c.Facts.SHA256]; ok {
			out = append(out, RevokedCert{Position: i, SHA256: c.Facts.SHA256, RevokedAt: r.RevokedAt, Reason: r.Reason})
		}
	}
	return out
}
