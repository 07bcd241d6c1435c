package store_test

import (
	"context"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// A pass's read of the agents due reads none of the domains' open events,
// however many are open: only the agents' own and the CRLs'.
func TestAgentInputReadsNoDomainEvents(t *testing.T) {
	storetest.SkipUnlessSelected(t, store.Postgres)
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres, store.Options{})
	_, org, err := s.CreateAccount(ctx, "events@example.com", "h", "Org")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := s.ListAlertRules(ctx, org.ID)
	if err != nil || len(rules) == 0 {
		t.Fatalf("rules %v, %v", rules, err)
	}
	err = store.ExecRaw(ctx, s, `INSERT INTO domains (id, organization_id, host, port, protocol, created_at, updated_at)
		SELECT 'd' || i, ?, 'h' || i || '.example', 443, 'tls', now(), now() FROM generate_series(1, 600) i`, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	err = store.ExecRaw(ctx, s, `INSERT INTO alerts (id, organization_id, rule_id, domain_id, type, dedup_key, state, payload, opened_at)
		SELECT 'a' || id, organization_id, ?, id, 'expiring', 'expiring|' || id, 'open', '{}', now() FROM domains`, rules[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Analyze(t, s)
	read, err := store.RowsRead(ctx, s, "alerts", func() error {
		_, _, err := s.LoadAgentInput(ctx, "", nil, 100)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if read > 10 {
		t.Errorf("reading the agents due read %d event rows, with 600 open events of domains", read)
	}
}
