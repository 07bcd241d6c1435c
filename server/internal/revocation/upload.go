package revocation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"time"

	"certinel.dev/server/internal/store"
)

// Refusals of an uploaded CRL, for the user to read.
var (
	ErrCRLUnreadable = errors.New("not a CRL in DER or PEM")
	ErrCRLTooLarge   = fmt.Errorf("larger than %s", size(maxCRL))
	ErrUnknownIssuer = errors.New("no certificate the organization serves issued this CRL (matched by authority key id and issuer name)")
	ErrCRLSignature  = errors.New("the CRL's signature does not verify against its issuer's certificate")
)

// maxIssuerCandidates bounds the served certificates an upload's issuer
// is looked for among.
const maxIssuerCandidates = 20000

// uploadPrefix starts the pseudo-URL an uploaded CRL is tracked under:
// one per issuing key, so a newer upload replaces the older.
const uploadPrefix = "upload:"

// UploadCRL verifies and records a CRL a user uploaded (DER or PEM) for an
// internal CA that publishes it nowhere reachable: its issuer must be a
// certificate the organization serves, and must have signed it. It is
// tracked like any CRL, and answers for that issuer's certificates whose
// own CRL or responder gave no answer, from the next refresh.
func (r *Refresher) UploadCRL(ctx context.Context, orgID string, data []byte) (store.RevocationSource, error) {
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	if len(data) > maxCRL {
		return store.RevocationSource{}, ErrCRLTooLarge
	}
	parsed, err := parseCRL(data)
	if err != nil {
		return store.RevocationSource{}, fmt.Errorf("%w: the CRL %v", ErrCRLUnreadable, err)
	}
	issuer, err := r.crlIssuer(ctx, orgID, parsed)
	if err != nil {
		return store.RevocationSource{}, err
	}
	now := r.Store.Now()
	u := uploadPrefix + issuerKey(issuer)
	known, err := r.Store.RevocationSourcesByURL(ctx, orgID, string(SourceCRL), []string{u})
	if err != nil {
		return store.RevocationSource{}, err
	}
	src, ok := known[u]
	if !ok {
		src = store.RevocationSource{OrganizationID: orgID, Kind: string(SourceCRL), URL: u}
	}
	pass := r.Checker.NewPass()
	e := &passCRL{crl: &cachedCRL{parsedCRL: parsed, fetched: now}}
	e.once.Do(func() {})
	pass.crls[u] = e
	src, _ = pass.observe(src, now)
	src.DER = data
	if err := r.Store.SaveUploadedCRL(ctx, src); err != nil {
		return store.RevocationSource{}, err
	}
	src.Origin = store.OriginUploaded
	return src, nil
}

// crlIssuer finds the served certificate that issued the CRL.
func (r *Refresher) crlIssuer(ctx context.Context, orgID string, parsed *parsedCRL) (*x509.Certificate, error) {
	ders, err := r.Store.OrgCertificatesDER(ctx, orgID, maxIssuerCandidates)
	if err != nil {
		return nil, err
	}
	named := false
	for _, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil || !bytes.Equal(c.RawSubject, parsed.list.RawIssuer) ||
			(len(parsed.list.AuthorityKeyId) > 0 && len(c.SubjectKeyId) > 0 && !bytes.Equal(c.SubjectKeyId, parsed.list.AuthorityKeyId)) {
			continue
		}
		named = true
		if parsed.verify(c) == nil {
			return c, nil
		}
	}
	if named {
		return nil, ErrCRLSignature
	}
	return nil, ErrUnknownIssuer
}

// issuerKey names an issuing key: its subject key id, else a hash of it.
func issuerKey(issuer *x509.Certificate) string {
	if len(issuer.SubjectKeyId) > 0 {
		return hex.EncodeToString(issuer.SubjectKeyId)
	}
	sum := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(sum[:])
}

// uploadedCRLs are an organization's uploaded CRLs, read once per pass.
type uploadedCRLs struct {
	mu   sync.Mutex
	orgs map[string][]*parsedCRL
}

// answer is what an uploaded CRL of the organization signed by issuer
// says of cert; ok is false when none answers.
func (u *uploadedCRLs) answer(ctx context.Context, st *store.Store, orgID string, cert, issuer *x509.Certificate, now func() time.Time) (Status, bool, error) {
	u.mu.Lock()
	crls, loaded := u.orgs[orgID]
	if !loaded {
		rows, err := st.UploadedCRLs(ctx, orgID)
		if err != nil {
			u.mu.Unlock()
			return Status{}, false, err
		}
		for _, row := range rows {
			if p, err := parseCRL(row.DER); err == nil {
				crls = append(crls, p)
			}
		}
		u.orgs[orgID] = crls
	}
	u.mu.Unlock()
	for _, p := range crls {
		if p.verify(issuer) != nil {
			continue
		}
		if got := p.status(cert, issuer, now()); got.State != StateUnavailable {
			return got, true, nil
		}
	}
	return Status{}, false, nil
}
