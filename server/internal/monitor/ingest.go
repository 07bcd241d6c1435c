// Package monitor turns what agents report into stored knowledge: it
// validates results, parses chains once, and records observations.
package monitor

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Limits on one result; a batch's own limits are checked by the HTTP layer.
const (
	MaxChainLength = 16
	maxCertBytes   = 64 << 10
	maxTextLen     = 1024
	maxShortLen    = 255
	futureSkew     = time.Hour
	maxAge         = 30 * 24 * time.Hour
)

var errorKinds = map[string]bool{"dns": true, "refused": true, "timeout": true, "tls_handshake": true, "protocol": true}

// Ingester validates and stores agent result batches.
type Ingester struct {
	store *store.Store
}

// NewIngester builds an Ingester over the store.
func NewIngester(s *store.Store) *Ingester {
	return &Ingester{store: s}
}

// Ingest stores the valid results of a batch and lists the others. A batch
// ID seen before stores nothing: it answers the first outcome together with
// store.ErrDuplicateBatch.
func (in *Ingester) Ingest(ctx context.Context, agent store.Agent, req wire.ResultsRequest) (wire.ResultsResponse, error) {
	targets, err := in.store.AgentTargetIDs(ctx, agent.OrganizationID, agent.ID)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	now := in.store.Now()
	rs := store.ResultSet{BatchID: req.BatchID, AgentID: agent.ID}
	resp := wire.ResultsResponse{Rejected: []wire.Rejection{}}
	parsed := make(certCache)
	for i, r := range req.Results {
		obs, err := convert(r, targets, now, parsed)
		if err != nil {
			resp.Rejected = append(resp.Rejected, wire.Rejection{Index: i, Error: err.Error()})
			continue
		}
		obs.AgentID = &agent.ID
		rs.Observations = append(rs.Observations, obs)
	}
	rs.Certificates = parsed.used()
	rejected, err := json.Marshal(resp.Rejected)
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	rs.Rejected = string(rejected)
	batch, err := in.store.SaveResults(ctx, agent.OrganizationID, rs)
	if errors.Is(err, store.ErrDuplicateBatch) {
		first := wire.ResultsResponse{Accepted: batch.Accepted, Rejected: []wire.Rejection{}}
		_ = json.Unmarshal([]byte(batch.Rejected), &first.Rejected)
		return first, err
	}
	if err != nil {
		return wire.ResultsResponse{}, fmt.Errorf("monitor: ingest: %w", err)
	}
	resp.Accepted = len(rs.Observations)
	return resp, nil
}

// certCache parses each distinct certificate of a batch once: intermediates
// and roots repeat in nearly every chain.
type certCache map[string]*cachedCert

type cachedCert struct {
	cert store.Certificate
	err  error
	used bool
}

// peek parses a certificate, or recalls an earlier parse of the same text.
func (cc certCache) peek(b64 string) (store.Certificate, error) {
	if e, ok := cc[b64]; ok {
		return e.cert, e.err
	}
	c, err := parseCertificate(b64)
	cc[b64] = &cachedCert{cert: c, err: err}
	return c, err
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
		if e.used && !seen[e.cert.SHA256] {
			seen[e.cert.SHA256] = true
			out = append(out, e.cert)
		}
	}
	return out
}

// convert checks one result and parses its chain through the cache.
func convert(r wire.Result, targets map[string]bool, now time.Time, cc certCache) (store.Observation, error) {
	var obs store.Observation
	switch {
	case r.TargetID == "" && r.DiscoveryJobID == "":
		return obs, errors.New("target_id is required")
	case r.TargetID == "":
		return obs, fmt.Errorf("discovery_job_id %q: no such discovery job", truncate(r.DiscoveryJobID, 64))
	case !targets[r.TargetID]:
		return obs, fmt.Errorf("target_id %q: not a target of this agent", truncate(r.TargetID, 64))
	}
	switch {
	case r.ObservedAt.IsZero():
		return obs, errors.New("observed_at is required")
	case r.ObservedAt.After(now.Add(futureSkew)):
		return obs, errors.New("observed_at is in the future: check the agent's clock")
	case r.ObservedAt.Before(now.Add(-maxAge)):
		return obs, errors.New("observed_at is more than 30 days old")
	case r.DurationMS < 0:
		return obs, errors.New("duration_ms must not be negative")
	case len(r.Chain) == 0 && r.Error == "":
		return obs, errors.New("a result needs a chain or an error")
	case len(r.Chain) > MaxChainLength:
		return obs, fmt.Errorf("chain has %d certificates, at most %d allowed", len(r.Chain), MaxChainLength)
	case len(r.Address) > maxShortLen || len(r.TLSVersion) > maxShortLen || len(r.CipherSuite) > maxShortLen:
		return obs, errors.New("address, tls_version and cipher_suite must be at most 255 bytes")
	}
	chain := make([]string, 0, len(r.Chain))
	var earliest *time.Time
	for i, b64 := range r.Chain {
		c, err := cc.peek(b64)
		if err != nil {
			return obs, fmt.Errorf("chain[%d]: %w", i, err)
		}
		chain = append(chain, c.SHA256)
		if earliest == nil || c.NotAfter.Before(*earliest) {
			na := c.NotAfter
			earliest = &na
		}
	}
	kind := r.ErrorKind
	if r.Error != "" && !errorKinds[kind] {
		kind = "other"
	}
	if r.Error == "" {
		kind = ""
	}
	target := r.TargetID
	obs = store.Observation{
		ID: store.NewID(), DomainID: &target, ObservedAt: r.ObservedAt.UTC(), Address: r.Address,
		DurationMS: r.DurationMS, TLSVersion: r.TLSVersion, CipherSuite: r.CipherSuite,
		Error: truncate(r.Error, maxTextLen), ErrorKind: kind, NotAfter: earliest, Chain: chain,
	}
	for _, b64 := range r.Chain {
		cc.markUsed(b64)
	}
	if len(chain) > 0 {
		obs.LeafSHA256 = chain[0]
		// A captured chain with a later handshake failure is still a success
		// for the certificate's purposes; the failure is kept as a note.
		obs.HandshakeError, obs.Error, obs.ErrorKind = obs.Error, "", ""
	}
	return obs, nil
}

func parseCertificate(b64 string) (store.Certificate, error) {
	if base64.StdEncoding.DecodedLen(len(b64)) > maxCertBytes {
		return store.Certificate{}, fmt.Errorf("certificate larger than %d bytes", maxCertBytes)
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return store.Certificate{}, errors.New("not valid base64")
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return store.Certificate{}, fmt.Errorf("not a DER certificate: %v", err)
	}
	sum := sha256.Sum256(der)
	return store.Certificate{
		SHA256: hex.EncodeToString(sum[:]), DER: der,
		Subject: truncate(cert.Subject.String(), maxTextLen), Issuer: truncate(cert.Issuer.String(), maxTextLen),
		Serial: cert.SerialNumber.Text(16), NotBefore: cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC(),
	}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
