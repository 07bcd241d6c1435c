package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// TestDomainIdentityIncludesSNI checks that one address may carry a domain
// per SNI, that an SNI equal to the host is the same endpoint as none, and
// that every write refusing a duplicate names the endpoint with its SNI.
func TestDomainIdentityIncludesSNI(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, org := newOrgStore(t, d)
			create := func(host, sni string) (store.Domain, error) {
				return s.CreateDomain(ctx, org.ID, store.Domain{Host: host, Port: 443, Protocol: "tls", SNI: sni})
			}
			wantTaken := func(what string, err error, sni string) {
				t.Helper()
				var taken *store.EndpointTakenError
				if !errors.As(err, &taken) || !errors.Is(err, store.ErrConflict) {
					t.Fatalf("%s: got %v, want an EndpointTakenError", what, err)
				}
				if got := taken.Domain.EndpointSNI(); got != sni || (sni != "" && !strings.Contains(err.Error(), "SNI "+sni)) {
					t.Errorf("%s: error %q names SNI %q, want %q", what, err, got, sni)
				}
			}

			var byName []store.Domain
			for _, sni := range []string{"a.example", "b.example", "c.example"} {
				dom, err := create("10.0.0.1", sni)
				if err != nil {
					t.Fatalf("SNI %s on an address that serves others: %v", sni, err)
				}
				byName = append(byName, dom)
			}
			_, err := create("10.0.0.1", "b.example")
			wantTaken("same SNI again", err, "b.example")
			c := byName[2]
			c.SNI = "a.example"
			_, err = s.UpdateDomain(ctx, org.ID, c)
			wantTaken("update onto another domain's SNI", err, "a.example")

			// Empty SNI sends the host: the two spellings are one endpoint,
			// whichever comes first.
			if _, err := create("h.example", ""); err != nil {
				t.Fatal(err)
			}
			_, err = create("h.example", "h.example")
			wantTaken("SNI equal to the host after none", err, "")
			if _, err := create("k.example", "k.example"); err != nil {
				t.Fatal(err)
			}
			_, err = create("k.example", "")
			wantTaken("no SNI after one equal to the host", err, "")

			// An import: two names on one address, then a file that lists one twice.
			rows := []store.Domain{{Host: "10.0.0.2", Port: 443, Protocol: "tls", SNI: "a.example"}, {Host: "10.0.0.2", Port: 443, Protocol: "tls", SNI: "b.example"}}
			if _, err := s.CreateDomains(ctx, org.ID, rows); err != nil {
				t.Fatalf("import of two SNIs on one address: %v", err)
			}
			rows = []store.Domain{{Host: "10.0.0.3", Port: 443, Protocol: "tls", SNI: "a.example"}, {Host: "10.0.0.3", Port: 443, Protocol: "tls", SNI: "a.example"}}
			_, err = s.CreateDomains(ctx, org.ID, rows)
			wantTaken("import listing one endpoint twice", err, "a.example")
			keys, err := s.DomainKeys(ctx, org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 7 || !keys[(store.Domain{Host: "10.0.0.2", Port: 443, Protocol: "tls", SNI: "b.example"}).Key()] {
				t.Errorf("domain keys after the writes: %v", keys)
			}
		})
	}
}

// TestDeleteAgentKeepsOtherNamesOnTheAddress checks that an agent's domain
// falling back to server-side checks goes only when the server already
// checks the same name at its address, not another name there.
func TestDeleteAgentKeepsOtherNamesOnTheAddress(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, org := newOrgStore(t, d)
			agent, err := s.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h1"})
			if err != nil {
				t.Fatal(err)
			}
			create := func(sni string, agentID *string) store.Domain {
				dom, err := s.CreateDomain(ctx, org.ID, store.Domain{Host: "10.0.0.1", Port: 443, Protocol: "tls", SNI: sni, AgentID: agentID})
				if err != nil {
					t.Fatal(err)
				}
				return dom
			}
			create("a.example", nil)
			dup, other := create("a.example", &agent.ID), create("b.example", &agent.ID)
			if err := s.DeleteAgent(ctx, org.ID, agent.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := s.GetDomain(ctx, org.ID, dup.ID, 21); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the agent's duplicate of a server-checked endpoint: %v, want it gone", err)
			}
			kept, err := s.GetDomain(ctx, org.ID, other.ID, 21)
			if err != nil {
				t.Fatalf("the agent's domain for another name on the address: %v", err)
			}
			if kept.AgentID != nil {
				t.Errorf("kept domain still names agent %v", *kept.AgentID)
			}
		})
	}
}

// newOrgStore opens an empty store of dialect d with one organization.
func newOrgStore(t *testing.T, d store.Dialect) (*store.Store, store.Organization) {
	t.Helper()
	s := storetest.Open(t, d, store.Options{})
	_, org, err := s.CreateAccount(context.Background(), "x@example.com", "h", "X")
	if err != nil {
		t.Fatal(err)
	}
	return s, org
}
