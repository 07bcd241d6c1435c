package monitor

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Limits on one result; a batch's own limits are checked by the HTTP layer.
const (
	MaxChainLength = 16
	maxCertBytes   = 64 << 10
	futureSkew     = time.Hour
	// MaxResultAge is the oldest result accepted: a spooled batch replayed
	// later stores nothing, so its batch marker need not be kept longer.
	MaxResultAge = 30 * 24 * time.Hour
	// maxQuotedLen bounds the agent's text quoted back in a rejection.
	maxQuotedLen = 64
)

var errorKinds = map[string]bool{"dns": true, "refused": true, "timeout": true, "tls_handshake": true, "protocol": true,
	wire.FileKindMissing: true, wire.FileKindUnreadable: true, wire.FileKindMalformed: true, wire.FileKindPassword: true, wire.FileKindTooLarge: true}

// convert checks one result, parses its chain through the cache and judges it.
func (j *judge) convert(r wire.Result, agentID *string, targets map[string]store.Domain) (store.Observation, error) {
	var obs store.Observation
	if err := checkResult(r, j.now()); err != nil {
		return obs, err
	}
	d, ok := targets[r.TargetID]
	// A file item is reported only as a file (see resolveFiles).
	if !ok || (d.Protocol == store.FileProtocol) != (r.File != nil) {
		return obs, fmt.Errorf("target_id %q: not a target of this agent", safetext.Fit(r.TargetID, maxQuotedLen))
	}
	chain, shas, earliest, err := j.parseChain(r.Chain)
	if err != nil {
		return obs, err
	}
	kind := r.ErrorKind
	if !errorKinds[kind] {
		kind = "other"
	}
	obs = store.Observation{
		ID: store.NewID(), DomainID: &d.ID, ObservedAt: r.ObservedAt.UTC(), Address: r.Address,
		DurationMS: r.DurationMS, TLSVersion: r.TLSVersion, CipherSuite: r.CipherSuite,
		KeyExchange: r.KeyExchange, PostQuantum: certs.PostQuantum(r.KeyExchange),
		NotAfter: earliest, Chain: shas,
	}
	if len(chain) == 0 {
		obs.Error, obs.ErrorKind = r.Error, kind
		return obs, nil
	}
	// A captured chain with a later handshake failure is a success for the
	// certificate's purposes; the failure is kept as a note.
	obs.LeafSHA256 = shas[0]
	obs.HandshakeError = r.Error
	if err := j.readStaple(r, chain); err != nil {
		return obs, err
	}
	v, raw, err := j.verdict(chain, d, r.TLSVersion)
	if err != nil {
		return obs, err
	}
	applyVerdict(&obs, v, raw)
	// The next check that presents the same chain is a repeat until the
	// verdict may move.
	obs.ChainKey, obs.JudgedUntil = chainKey(agentID, r), &v.StableUntil
	return obs, nil
}

// applyVerdict records the verdict on the observation with its summary for
// lists and alerting.
func applyVerdict(obs *store.Observation, v certs.Verdict, raw string) {
	obs.Verdict, obs.VerdictStatus, obs.TrustStatus = raw, string(v.Status), v.Trust.Status
	obs.Problems = make([]string, len(v.Problems))
	for i, p := range v.Problems {
		obs.Problems[i] = string(p)
	}
	obs.Renewal = lifecycle.Plan{Window: v.RenewalWindow, UrgentAt: v.UrgentAt, Deadline: v.Deadline.NotAfter}
}

// parseChain parses a result's chain through the cache and marks its
// certificates for storing. earliest is the soonest expiry in the chain.
func (j *judge) parseChain(b64s []string) (chain []*certs.Cert, shas []string, earliest *time.Time, err error) {
	chain = make([]*certs.Cert, 0, len(b64s))
	shas = make([]string, 0, len(b64s))
	for i, b64 := range b64s {
		c, err := j.cache.peek(b64)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("chain[%d]: %w", i, err)
		}
		chain = append(chain, c.parsed)
		shas = append(shas, c.row.SHA256)
		if na := c.row.NotAfter; earliest == nil || na.Before(*earliest) {
			earliest = &na
		}
	}
	for _, b64 := range b64s {
		j.cache.markUsed(b64)
	}
	return chain, shas, earliest, nil
}

func checkResult(r wire.Result, now time.Time) error {
	switch {
	case r.TargetID == "" && r.DiscoveryJobID == "":
		return errors.New("target_id is required")
	case r.ObservedAt.IsZero():
		return errors.New("observed_at is required")
	case r.ObservedAt.After(now.Add(futureSkew)):
		return errors.New("observed_at is in the future: check the agent's clock")
	case r.ObservedAt.Before(now.Add(-MaxResultAge)):
		return errors.New("observed_at is more than 30 days old")
	case r.DurationMS < 0:
		return errors.New("duration_ms must not be negative")
	case len(r.Chain) == 0 && r.Error == "":
		return errors.New("a result needs a chain or an error")
	case len(r.Chain) > MaxChainLength:
		return fmt.Errorf("chain has %d certificates, at most %d allowed", len(r.Chain), MaxChainLength)
	case len(r.Address) > store.MaxShortText || len(r.TLSVersion) > store.MaxShortText || len(r.CipherSuite) > store.MaxShortText ||
		len(r.KeyExchange) > store.MaxShortText:
		return fmt.Errorf("address, tls_version, cipher_suite and key_exchange must be at most %d bytes", store.MaxShortText)
	}
	return nil
}

// certCache parses each distinct certificate of a batch once: intermediates
// and roots repeat in nearly every chain.
type certCache map[string]*cachedCert

type cachedCert struct {
	parsed *certs.Cert
	row    store.Certificate
	err    error
	used   bool
}

// peek parses a certificate, or recalls an earlier parse of the same text.
func (cc certCache) peek(b64 string) (*cachedCert, error) {
	if e, ok := cc[b64]; ok {
		return e, e.err
	}
	e := &cachedCert{}
	e.parsed, e.row, e.err = parseCertificate(b64)
	cc[b64] = e
	return e, e.err
}

// markUsed records that an accepted result's chain holds the certificate.
func (cc certCache) markUsed(b64 string) {
	if e, ok := cc[b64]; ok {
		e.used = true
	}
}

// used lists the distinct certificates of accepted chains only, so a
// rejected result leaves nothing behind.
func (cc certCache) used() []store.Certificate {
	seen := make(map[string]bool, len(cc))
	var out []store.Certificate
	for _, e := range cc {
		if e.used && !seen[e.row.SHA256] {
			seen[e.row.SHA256] = true
			out = append(out, e.row)
		}
	}
	return out
}

func parseCertificate(b64 string) (*certs.Cert, store.Certificate, error) {
	if base64.StdEncoding.DecodedLen(len(b64)) > maxCertBytes {
		return nil, store.Certificate{}, fmt.Errorf("certificate larger than %d bytes", maxCertBytes)
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, store.Certificate{}, errors.New("not valid base64")
	}
	c, err := certs.Parse(der)
	if err != nil {
		return nil, store.Certificate{}, fmt.Errorf("not a DER certificate: %v", err)
	}
	facts, err := json.Marshal(c.Facts)
	if err != nil {
		return nil, store.Certificate{}, fmt.Errorf("certificate facts: %w", err)
	}
	f := c.Facts
	names := make([]string, 0, len(f.DNSNames))
	for _, n := range f.DNSNames {
		names = append(names, strings.ToLower(n))
	}
	return c, store.Certificate{
		SHA256: f.SHA256, DER: der, Subject: f.Subject, Issuer: f.Issuer,
		Serial: f.Serial, NotBefore: f.NotBefore.UTC(), NotAfter: f.NotAfter.UTC(),
		SHA1: f.SHA1, SPKISHA256: f.SPKISHA256, KeyType: f.KeyType, KeyBits: f.KeyBits,
		SignatureAlgorithm: f.SignatureAlgorithm, IsCA: f.IsCA, SubjectKeyID: f.SubjectKeyID,
		AuthorityKeyID: f.AuthorityKeyID, Facts: string(facts), Names: names,
	}, nil
}
