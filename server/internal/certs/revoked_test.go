package certs

import (
	"testing"

	"certinel.dev/server/internal/lifecycle"
)

// TestJudgeRevoked: a revoked leaf or intermediate makes a trusted chain
// invalid, with the problem revoked and the revoked certificates listed.
func TestJudgeRevoked(t *testing.T) {
	p := newPKI(t)
	leaf := p.leaf(t, p.inter, nil)
	at := now.Add(-days(2))
	for _, c := range []*Cert{leaf, p.inter.cert} {
		t.Run(c.X509.Subject.CommonName, func(t *testing.T) {
			in := p.input(leaf, p.inter.cert)
			in.Revoked = map[string]Revocation{c.Facts.SHA256: {RevokedAt: at, Reason: "key_compromise"}}
			v := Judge(in)
			if v.Status != lifecycle.StatusInvalid || len(v.Problems) != 1 || v.Problems[0] != lifecycle.ProblemRevoked {
				t.Fatalf("status %s problems %v, want invalid for revoked", v.Status, v.Problems)
			}
			if len(v.Revoked) != 1 || v.Revoked[0].SHA256 != c.Facts.SHA256 || !v.Revoked[0].RevokedAt.Equal(at) || v.Revoked[0].Reason != "key_compromise" {
				t.Errorf("revoked %+v, want the one certificate", v.Revoked)
			}
			if !v.Trust.Trusted() {
				t.Errorf("trust %+v: revocation is its own problem", v.Trust)
			}
		})
	}
	if v := Judge(p.input(leaf, p.inter.cert)); v.Status != lifecycle.StatusOK || len(v.Revoked) != 0 {
		t.Errorf("without revocations: %s %+v", v.Status, v.Revoked)
	}
}
