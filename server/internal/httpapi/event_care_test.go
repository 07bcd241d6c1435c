package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

func TestAcknowledgeSnoozeAndMaintenanceThroughAPI(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "care@example.com")
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "pay.example.com", "agent_id": a.agentID}, &d)
		_, inter, rootDER, interDER := newCA(t)
		srv.agentClient(t, a).must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "r",
			Results: []wire.Result{{TargetID: d.ID, ObservedAt: time.Now().UTC(), Chain: overdueChain(t, inter, rootDER, interDER, "pay.example.com", 5).base64()}}}, nil)
		var events listOut[created]
		a.browser.must(http.StatusOK, "GET", "/api/v1/events?state=open", nil, &events)
		if events.Total != 1 {
			t.Fatalf("%d open events, want 1", events.Total)
		}
		path := "/api/v1/events/" + events.Items[0].ID
		type care struct {
			AcknowledgedAt    *time.Time `json:"acknowledged_at"`
			AcknowledgedBy    string     `json:"acknowledged_by"`
			SnoozedUntil      *time.Time `json:"snoozed_until"`
			SnoozeUntilChange bool       `json:"snooze_until_change"`
			RuleIDs           []string   `json:"rule_ids"`
		}
		var ev care
		a.browser.must(http.StatusOK, "POST", path+"/acknowledge", nil, &ev)
		if ev.AcknowledgedAt == nil || ev.AcknowledgedBy != "care@example.com" || len(ev.RuleIDs) != 1 {
			t.Fatalf("acknowledged: %+v", ev)
		}
		a.browser.must(http.StatusOK, "DELETE", path+"/acknowledge", nil, &ev)
		if ev.AcknowledgedAt != nil {
			t.Fatalf("acknowledgement not taken back: %+v", ev)
		}
		for _, bad := range []map[string]any{{}, {"until": time.Now().Add(-time.Hour)}, {"until": time.Now().Add(100 * 24 * time.Hour)},
			{"until": time.Now().Add(time.Hour), "until_change": true}} {
			if r := a.browser.do("POST", path+"/snooze", bad); r.Status != http.StatusBadRequest || r.errorField() != "until" {
				t.Errorf("snooze %v: %d %s", bad, r.Status, r.Body)
			}
		}
		until := time.Now().Add(8 * time.Hour).UTC().Truncate(time.Second)
		a.browser.must(http.StatusOK, "POST", path+"/snooze", map[string]any{"until": until}, &ev)
		if ev.SnoozedUntil == nil || !ev.SnoozedUntil.Equal(until) {
			t.Fatalf("snoozed: %+v, want until %v", ev, until)
		}
		a.browser.must(http.StatusOK, "POST", path+"/snooze", map[string]any{"until_change": true}, &ev)
		if ev.SnoozedUntil != nil || !ev.SnoozeUntilChange {
			t.Fatalf("snoozed until it changes: %+v", ev)
		}
		a.browser.must(http.StatusOK, "DELETE", path+"/snooze", nil, &ev)
		if ev.SnoozeUntilChange {
			t.Fatalf("snooze not lifted: %+v", ev)
		}

		other, _ := srv.signup(t, "other@example.com")
		var theirs domainOut
		other.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "theirs.example.com"}, &theirs)
		weekly := func(change func(map[string]any)) map[string]any {
			w := map[string]any{"name": "patch night", "scope": map[string]string{"type": "agent", "value": a.agentID}, "recurrence": "weekly",
				"weekdays": []string{"tue"}, "start_time": "22:00", "duration_minutes": 180, "time_zone": "America/New_York"}
			if change != nil {
				change(w)
			}
			return w
		}
		for field, bad := range map[string]map[string]any{
			"time_zone":        weekly(func(w map[string]any) { w["time_zone"] = "EST5" }),
			"weekdays":         weekly(func(w map[string]any) { w["weekdays"] = []string{"someday"} }),
			"start_time":       weekly(func(w map[string]any) { w["start_time"] = "10pm" }),
			"duration_minutes": weekly(func(w map[string]any) { w["duration_minutes"] = 0 }),
			"ends_at":          weekly(func(w map[string]any) { w["recurrence"] = "once" }),
			"scope.type":       weekly(func(w map[string]any) { w["scope"] = map[string]string{"type": "planet", "value": "x"} }),
			"scope.value":      weekly(func(w map[string]any) { w["scope"] = map[string]string{"type": "domain", "value": theirs.ID} }),
		} {
			if r := a.browser.do("POST", "/api/v1/maintenance-windows", bad); r.Status != http.StatusBadRequest || r.errorField() != field {
				t.Errorf("bad window (%s): %d %s", field, r.Status, r.Body)
			}
		}
		var w struct {
			ID       string `json:"id"`
			Active   bool   `json:"active"`
			Weekdays []string
		}
		a.browser.must(http.StatusCreated, "POST", "/api/v1/maintenance-windows", weekly(nil), &w)
		from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/maintenance-windows/"+w.ID, weekly(func(m map[string]any) {
			m["recurrence"], m["starts_at"], m["ends_at"], m["scope"] = "once", from, to, map[string]string{"type": "tag", "value": "Prod"}
		}), &w)
		if !w.Active {
			t.Fatalf("a one-off window around now is not active: %+v", w)
		}
		var list listOut[created]
		a.browser.must(http.StatusOK, "GET", "/api/v1/maintenance-windows", nil, &list)
		if list.Total != 1 {
			t.Fatalf("%d windows listed", list.Total)
		}
		a.browser.must(http.StatusNoContent, "DELETE", "/api/v1/maintenance-windows/"+w.ID, nil, nil)

		var audit listOut[struct {
			Action string `json:"action"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/audit-log?per_page=100", nil, &audit)
		seen := map[string]bool{}
		for _, e := range audit.Items {
			seen[e.Action] = true
		}
		for _, action := range []string{"alert.acknowledge", "alert.unacknowledge", "alert.snooze", "alert.unsnooze",
			"maintenance_window.create", "maintenance_window.update", "maintenance_window.delete"} {
			if !seen[action] {
				t.Errorf("audit log lacks %s", action)
			}
		}
	})
}
