package store_test

import (
	"context"
	"testing"

	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// An evaluation's read of an organization's open agent outages reads
// neither the open events of its agents' endpoints (one per unreachable
// endpoint, each with its agent) nor the outages of other organizations,
// however many are open.
func TestNotifyContextReadsNoEndpointEvents(t *testing.T) {
	storetest.SkipUnlessSelected(t, store.Postgres)
	ctx := context.Background()
	s := storetest.Open(t, store.Postgres, store.Options{})
	_, org, err := s.CreateAccount(ctx, "outages@example.com", "h", "Org")
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := s.CreateAccount(ctx, "other@example.com", "h", "Other")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []store.Organization{org, other} {
		rules, err := s.ListAlertRules(ctx, o.ID)
		if err != nil || len(rules) == 0 {
			t.Fatalf("rules %v, %v", rules, err)
		}
		// 600 agents, each with an open outage in the other organization
		// and with an unreachable endpoint in this one.
		err = store.ExecRaw(ctx, s, `INSERT INTO agents (id, organization_id, name, prefix, token_hash, interval_seconds, created_at, updated_at)
			SELECT ? || i, ?, 'agent ' || i, 'p' || i, ? || i, 14400, now(), now() FROM generate_series(1, 600) i`, o.ID, o.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.ID == org.ID {
			err = store.ExecRaw(ctx, s, `INSERT INTO domains (id, organization_id, host, port, protocol, agent_id, created_at, updated_at)
				SELECT 'd' || i, ?, 'h' || i || '.example', 443, 'tls', ? || i, now(), now() FROM generate_series(1, 600) i`, o.ID, o.ID)
			if err == nil {
				err = store.ExecRaw(ctx, s, `INSERT INTO alerts (id, organization_id, rule_id, domain_id, agent_id, type, dedup_key, state, payload, opened_at)
					SELECT 'a' || id, organization_id, ?, id, agent_id, 'unreachable', 'unreachable|' || id, 'open', '{}', now() FROM domains`, rules[0].ID)
			}
		} else {
			err = store.ExecRaw(ctx, s, `INSERT INTO alerts (id, organization_id, rule_id, agent_id, type, dedup_key, state, payload, opened_at)
				SELECT 'o' || id, organization_id, ?, id, 'unreachable', 'outage|' || id, 'open', '{}', now() FROM agents WHERE organization_id = ?`, rules[0].ID, o.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	storetest.Analyze(t, s)
	in := store.EvalInput{Orgs: map[string]store.Organization{org.ID: org}}
	read, err := store.IndexEntriesRead(ctx, s, "alerts", func() error { return s.LoadNotifyContext(ctx, &in) })
	if err != nil {
		t.Fatal(err)
	}
	if read > 10 {
		t.Errorf("reading the open outages read %d index entries of events, with 600 open events of endpoints and 600 outages elsewhere", read)
	}
}
