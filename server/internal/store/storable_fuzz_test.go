package store_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// tenant is an organization with an agent and one of its domains.
type tenant struct {
	s                        *store.Store
	orgID, agentID, domainID string
}

func newTenant(tb testing.TB, s *store.Store) tenant {
	ctx := context.Background()
	_, org, err := s.CreateAccount(ctx, "tenant@example.com", "h", "T")
	if err != nil {
		tb.Fatal(err)
	}
	agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h1"})
	if err != nil {
		tb.Fatal(err)
	}
	dom, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "tenant.example", Port: 443, Protocol: "tls", AgentID: &agent.ID})
	if err != nil {
		tb.Fatal(err)
	}
	return tenant{s: s, orgID: org.ID, agentID: agent.ID, domainID: dom.ID}
}

// fuzzStoreBudget bounds the inputs each fuzz worker stores. Storing one
// costs milliseconds on the two databases, and a fuzz run makes 100,000
// executions: past the budget the remaining inputs are passed over, so a run
// stays well under a minute.
const fuzzStoreBudget = 500

// FuzzStoreText stores random bytes, repeated past the column limits, in
// every text field that agents and certificates fill, on both databases:
// storing never fails, and what is stored is valid UTF-8 without NUL.
func FuzzStoreText(f *testing.F) {
	f.Add("CN=a\x00b", uint8(0))
	f.Add("\xff\xfe", uint8(3))
	f.Add("aé", uint8(200))
	f.Add("€", uint8(100))
	var tenants []tenant
	for _, d := range storetest.Dialects {
		tenants = append(tenants, newTenant(f, storetest.Open(f, d, store.Options{})))
	}
	ctx := context.Background()
	start := time.Now().UTC().Truncate(time.Second)
	stored := 0
	f.Fuzz(func(t *testing.T, raw string, repeat uint8) {
		if stored == fuzzStoreBudget {
			return
		}
		stored++
		text := strings.Repeat(raw, 1+int(repeat)%200)
		// Each input is its own endpoint (by port), seen after the last.
		at := start.Add(time.Duration(stored) * time.Second)
		for _, tn := range tenants {
			storeText(t, ctx, tn, text, stored, at)
		}
	})
}

func storeText(t *testing.T, ctx context.Context, tn tenant, text string, port int, at time.Time) {
	s := tn.s
	sha := store.NewID()
	cert := store.Certificate{SHA256: sha, DER: []byte{1}, Subject: text, Issuer: text, Serial: text,
		NotBefore: at, NotAfter: at.Add(time.Hour), SHA1: text, SPKISHA256: text, KeyType: text, SignatureAlgorithm: text,
		SubjectKeyID: text, AuthorityKeyID: text, Facts: text, Names: []string{text, text + "x"}}
	obs := []store.Observation{
		{ID: store.NewID(), DomainID: &tn.domainID, ObservedAt: at, Address: text, TLSVersion: text, CipherSuite: text,
			HandshakeError: text, LeafSHA256: sha, Verdict: text, TrustStatus: text, VerdictStatus: text, Problems: []string{text}, Chain: []string{sha}},
		{ID: store.NewID(), DomainID: &tn.domainID, ObservedAt: at.Add(-time.Millisecond), Error: text, ErrorKind: text, Index: 1},
		{ID: store.NewID(), ObservedAt: at, LeafSHA256: sha, Chain: []string{sha}, Index: 2},
	}
	found := store.DiscoveredEndpoint{AgentID: tn.agentID, Address: text, Port: port, Protocol: text, SNI: text,
		ObservationID: obs[2].ID, LeafSHA256: sha, VerdictStatus: text, TrustStatus: text, Problems: text,
		SuggestedNames: []string{text}, LastSeenAt: at}
	rs := store.ResultSet{BatchID: store.NewID(), AgentID: tn.agentID, Observations: obs,
		Certificates: []store.Certificate{cert}, Discovered: []store.DiscoveredEndpoint{found}, Rejected: "[]"}
	batch, err := s.SaveResults(ctx, tn.orgID, rs)
	if err != nil || batch.Accepted != len(obs) {
		t.Fatalf("%s: save: %v, accepted %d: %s", s.Dialect(), err, batch.Accepted, batch.Rejected)
	}
	if err := s.TouchAgent(ctx, tn.orgID, tn.agentID, text, text); err != nil {
		t.Fatalf("%s: touch agent: %v", s.Dialect(), err)
	}

	c, err := s.GetCertificate(ctx, tn.orgID, sha)
	if err != nil {
		t.Fatalf("%s: %v", s.Dialect(), err)
	}
	o, err := s.GetObservation(ctx, tn.orgID, obs[0].ID)
	if err != nil {
		t.Fatalf("%s: %v", s.Dialect(), err)
	}
	e, err := s.GetObservation(ctx, tn.orgID, obs[1].ID)
	if err != nil {
		t.Fatalf("%s: %v", s.Dialect(), err)
	}
	a, err := s.GetAgent(ctx, tn.orgID, tn.agentID)
	if err != nil {
		t.Fatalf("%s: %v", s.Dialect(), err)
	}
	ds, _, err := s.ListDiscovered(ctx, tn.orgID, store.DiscoveredFilter{}, store.Page{Number: 1, PerPage: 1})
	if err != nil || len(ds) != 1 || ds[0].Port != port {
		t.Fatalf("%s: discovered: %v %+v", s.Dialect(), err, ds)
	}
	ep := ds[0]
	for name, v := range map[string]string{
		"subject": c.Subject, "issuer": c.Issuer, "serial": c.Serial, "sha1": c.SHA1, "spki": c.SPKISHA256,
		"key type": c.KeyType, "signature": c.SignatureAlgorithm, "ski": c.SubjectKeyID, "aki": c.AuthorityKeyID, "facts": c.Facts,
		"address": o.Address, "tls version": o.TLSVersion, "cipher": o.CipherSuite, "handshake error": o.HandshakeError,
		"verdict": o.Verdict, "trust": o.TrustStatus, "error": e.Error, "error kind": e.ErrorKind,
		"version": a.Version, "last ip": a.LastIP,
		"found address": ep.Address, "found protocol": ep.Protocol, "found sni": ep.SNI, "found verdict": ep.VerdictStatus,
		"found trust": ep.TrustStatus, "found problems": ep.Problems, "found names": strings.Join(ep.SuggestedNames, ""),
	} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			t.Errorf("%s: stored %s %q: not valid UTF-8 without NUL", s.Dialect(), name, v)
		}
	}
}
