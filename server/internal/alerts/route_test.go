package alerts_test

import (
	"slices"
	"testing"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// deliveries drains the outbox and lists, by channel name, the events each
// channel was handed as "type host".
func (f *fixture) deliveries(names map[string]string) map[string][]string {
	f.t.Helper()
	rows, err := f.st.ClaimOutbox(f.ctx, "test", 100, time.Minute)
	if err != nil {
		f.t.Fatal(err)
	}
	got := map[string][]string{}
	for _, row := range rows {
		events, err := notify.DecodeEvents(row.Payload)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, e := range events {
			got[names[row.ChannelID]] = append(got[names[row.ChannelID]], e.Type+" "+e.Domain.Host)
		}
	}
	for _, list := range got {
		slices.Sort(list)
	}
	if err := f.st.FinishDelivery(f.ctx, "test", rows, store.Delivery{OK: true}); err != nil {
		f.t.Fatal(err)
	}
	return got
}

// TestRoutesBySeverityAndTag: an expired certificate reaches the channel
// for critical events, one expiring in 20 days only the channel for
// warnings and up, a tagged route only its tag's domains; a resolution goes
// where its problem went, even when the problem was critical only by the
// days it had left.
func TestRoutesBySeverityAndTag(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			names := map[string]string{}
			channel := func(name string) string {
				ch, err := f.st.CreateChannel(f.ctx, f.org.ID, store.Channel{Name: name, Type: "webhook", Config: `{"url":"https://hooks.example.com/x"}`})
				if err != nil {
					t.Fatal(err)
				}
				names[ch.ID] = name
				return ch.ID
			}
			pager, chat, prod := channel("pager"), channel("chat"), channel("prod")
			f.changeRule(func(r *store.AlertRule) {
				r.Routes = []store.Route{
					{ChannelID: pager, MinSeverity: "critical"},
					{ChannelID: chat, MinSeverity: "warning"},
					{ChannelID: prod, MinSeverity: "info", Tags: []string{"prod"}},
				}
			})
			expired, later, urgent := f.domain("expired.example.com"), f.domain("later.example.com"), f.domain("urgent.example.com")
			tagged, err := f.st.CreateDomain(f.ctx, f.org.ID, store.Domain{Host: "tagged.example.com", Port: 443, Protocol: "tls", AgentID: &f.agent.ID, Tags: []string{"prod"}})
			if err != nil {
				t.Fatal(err)
			}
			day := 24 * time.Hour
			f.observe(expired, "leaf-expired", f.clk.t.Add(-2*day), "")
			f.observe(later, "leaf-later", f.clk.t.Add(20*day+time.Hour), "")
			f.observe(urgent, "leaf-urgent", f.clk.t.Add(2*day+time.Hour), "")
			f.observe(tagged, "leaf-tagged", f.clk.t.Add(20*day+time.Hour), "")
			f.evaluate()
			got := f.deliveries(names)
			wantRoutes(t, "problems", got, map[string][]string{
				"pager": {"expired expired.example.com", "expiring urgent.example.com"},
				"chat":  {"expired expired.example.com", "expiring later.example.com", "expiring tagged.example.com", "expiring urgent.example.com"},
				"prod":  {"expiring tagged.example.com"},
			})

			// Renewed: the resolution of the urgent expiry is rated by the
			// days it had left, so it reaches the pager that heard of it.
			f.observe(urgent, "leaf-urgent-2", f.clk.t.Add(90*day), "")
			f.observe(tagged, "leaf-tagged-2", f.clk.t.Add(90*day), "")
			f.evaluate()
			got = f.deliveries(names)
			wantRoutes(t, "renewals", got, map[string][]string{
				"pager": {"resolved urgent.example.com"},
				"chat":  {"resolved tagged.example.com", "resolved urgent.example.com"},
				"prod":  {"changed tagged.example.com", "resolved tagged.example.com"},
			})
		})
	}
}

func wantRoutes(t *testing.T, step string, got, want map[string][]string) {
	t.Helper()
	for _, name := range []string{"pager", "chat", "prod"} {
		if !slices.Equal(got[name], want[name]) {
			t.Errorf("%s: %s got %q, want %q", step, name, got[name], want[name])
		}
	}
}
