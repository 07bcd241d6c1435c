package alerts_test

import (
	"testing"
	"time"

	"certinel.dev/server/internal/alerts"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
)

// passAgents runs a scheduled pass and returns the alerts it recorded, by
// type, and how many agents it evaluated.
func (f *fixture) passAgents() (map[string]int, int) {
	f.t.Helper()
	var stats alerts.PassStats
	got := f.fired(func() { stats = f.pass() })
	return got, stats.Agents
}

func (f *fixture) checkIn() {
	f.t.Helper()
	if err := f.st.TouchAgent(f.ctx, f.org.ID, f.agent.ID, "1.0", "10.0.0.1"); err != nil {
		f.t.Fatal(err)
	}
}

func wantAgents(t *testing.T, when string, fired map[string]int, agents int, wantFired map[string]int, wantAgents int) {
	t.Helper()
	want(t, when, fired, wantFired)
	if agents != wantAgents {
		t.Errorf("%s: %d agents evaluated, want %d", when, agents, wantAgents)
	}
}

// A pass evaluates an agent when its alerts can change: at its first
// check-in, when it turns offline, and when it is back; not at every
// pass, nor at every heartbeat, nor while it stays offline.
func TestAgentsEvaluatedWhenDue(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d) // the agent's interval is 4 h: offline after 8 h
			f.checkIn()
			fired, n := f.passAgents()
			wantAgents(t, "first check-in", fired, n, nil, 1)
			f.clk.t = f.clk.t.Add(time.Hour)
			fired, n = f.passAgents()
			wantAgents(t, "an hour later", fired, n, nil, 0)
			f.checkIn()
			fired, n = f.passAgents()
			wantAgents(t, "a heartbeat", fired, n, nil, 0)
			// Due at the time the first check-in gave: online still, so
			// due again at the time the heartbeat gives.
			f.clk.t = f.clk.t.Add(7*time.Hour + time.Minute)
			fired, n = f.passAgents()
			wantAgents(t, "8 h after the first check-in", fired, n, nil, 1)
			f.clk.t = f.clk.t.Add(time.Hour - time.Minute - time.Microsecond)
			fired, n = f.passAgents()
			wantAgents(t, "just before 8 h after the heartbeat", fired, n, nil, 0)
			f.clk.t = f.clk.t.Add(2 * time.Microsecond)
			fired, n = f.passAgents()
			wantAgents(t, "8 h after the heartbeat", fired, n, map[string]int{"agent_offline": 1}, 1)
			f.clk.t = f.clk.t.Add(time.Hour)
			fired, n = f.passAgents()
			wantAgents(t, "offline, alerted", fired, n, nil, 0)
			f.checkIn()
			fired, n = f.passAgents()
			wantAgents(t, "back", fired, n, map[string]int{"resolved": 1}, 1)
			fired, n = f.passAgents()
			wantAgents(t, "back, evaluated", fired, n, nil, 0)
		})
	}
}

// An agent evaluated offline is due again when its organization's rules
// change, and when its interval does.
func TestAgentsDueOnRuleAndIntervalChange(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.changeRule(func(r *store.AlertRule) { r.Events = []string{"expiring"} })
			f.checkIn()
			f.clk.t = f.clk.t.Add(9 * time.Hour)
			fired, n := f.passAgents()
			wantAgents(t, "offline, no rule for it", fired, n, nil, 1)
			fired, n = f.passAgents()
			wantAgents(t, "offline, evaluated", fired, n, nil, 0)
			f.changeRule(func(r *store.AlertRule) { r.Events = append(r.Events, "agent_offline") })
			fired, n = f.passAgents()
			wantAgents(t, "a rule for it", fired, n, map[string]int{"agent_offline": 1}, 1)

			f.checkIn()
			fired, n = f.passAgents()
			wantAgents(t, "back", fired, n, map[string]int{"resolved": 1}, 1)
			f.clk.t = f.clk.t.Add(7 * time.Hour)
			interval := 3 * 3600
			if _, err := f.st.UpdateAgent(f.ctx, f.org.ID, f.agent.ID, store.AgentChange{IntervalSeconds: &interval}); err != nil {
				t.Fatal(err)
			}
			fired, n = f.passAgents()
			wantAgents(t, "7 h silent, the interval now 3 h", fired, n, map[string]int{"agent_offline": 1}, 1)
		})
	}
}

// An agent's open event is reminded of at its time, with no check-in to
// make the agent due; a snooze moves that time, and an acknowledgement
// stops the reminders.
func TestAgentEventRemindedAtItsTime(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			f := newFixture(t, d)
			f.soleRule()
			h := newHook(t)
			rule := f.addRule("agents", 6, f.channel(h, "ops"))
			rule.Events = []string{"agent_offline"}
			if _, err := f.st.UpdateAlertRule(f.ctx, f.org.ID, rule); err != nil {
				t.Fatal(err)
			}
			f.checkIn()
			f.clk.t = f.clk.t.Add(9 * time.Hour)
			fired, _ := f.passAgents()
			want(t, "offline", fired, map[string]int{"agent_offline": 1})
			f.deliver()
			first := h.take()
			if len(first) != 1 || first[0][0].Reminder {
				t.Fatalf("first notice: %v", first)
			}
			id := first[0][0].ID
			step := func(by time.Duration, wantReminders, wantAgents int) {
				t.Helper()
				f.clk.t = f.clk.t.Add(by)
				_, n := f.passAgents()
				f.deliver()
				got := h.take()
				if len(got) != wantReminders || n != wantAgents {
					t.Fatalf("after %v: %d messages and %d agents evaluated, want %d and %d", by, len(got), n, wantReminders, wantAgents)
				}
				for _, m := range got {
					if !m[0].Reminder || m[0].ID != id {
						t.Fatalf("not a reminder of %s: %+v", id, m[0])
					}
				}
			}
			step(5*time.Hour, 0, 0)
			step(time.Hour, 1, 1)
			until := f.clk.t.Add(9 * time.Hour)
			if _, err := f.st.SnoozeAlert(f.ctx, f.org.ID, id, store.Snooze{Until: &until}); err != nil {
				t.Fatal(err)
			}
			step(6*time.Hour, 0, 1) // the snooze made the agent due
			step(3*time.Hour, 1, 1) // the snooze ended
			if _, err := f.st.AcknowledgeAlert(f.ctx, f.org.ID, id, true); err != nil {
				t.Fatal(err)
			}
			step(6*time.Hour, 0, 1)
			step(24*time.Hour, 0, 0)
		})
	}
}
