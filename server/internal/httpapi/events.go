package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

type attemptJSON struct {
	AttemptedAt time.Time `json:"attempted_at"`
	OK          bool      `json:"ok"`
	Error       string    `json:"error,omitempty"`
	DurationMS  int64     `json:"duration_ms"`
}

type deliveryJSON struct {
	ChannelID     string        `json:"channel_id"`
	Status        string        `json:"status"`
	Attempts      int           `json:"attempts"`
	LastError     string        `json:"last_error,omitempty"`
	NextAttemptAt *time.Time    `json:"next_attempt_at,omitempty"`
	SentAt        *time.Time    `json:"sent_at"`
	AttemptLog    []attemptJSON `json:"attempt_log"`
}

type eventJSON struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	State      string          `json:"state"`
	RuleID     string          `json:"rule_id"`
	DomainID   *string         `json:"domain_id"`
	AgentID    *string         `json:"agent_id"`
	OpenedAt   time.Time       `json:"opened_at"`
	ResolvedAt *time.Time      `json:"resolved_at"`
	Event      json.RawMessage `json:"event"`
	Deliveries []deliveryJSON  `json:"deliveries"`
}

var alertStates = []string{store.AlertOpen, store.AlertResolved, store.AlertInfo}

// listEvents is the alert history with each delivery and its attempts.
func (h *handler) listEvents(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	f := store.AlertFilter{Type: c.QueryParam("type"), DomainID: c.QueryParam("domain_id"), State: c.QueryParam("state")}
	if f.Type != "" && !slices.Contains(append(slices.Clone(store.DefaultEvents), "test"), f.Type) {
		return badRequest("type", "type: unknown event type %s", quote(f.Type))
	}
	if f.State != "" && !slices.Contains(alertStates, f.State) {
		return badRequest("state", "state: must be open, resolved or info; got %s", quote(f.State))
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	alerts, total, err := h.store.ListAlerts(ctx, orgID, f, page)
	if err != nil {
		return err
	}
	ids := make([]string, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	rows, attempts, err := h.store.Deliveries(ctx, orgID, ids)
	if err != nil {
		return err
	}
	byAlert := map[string][]deliveryJSON{}
	for _, r := range rows {
		d := deliveryJSON{ChannelID: r.ChannelID, Status: r.Status, Attempts: r.Attempts, LastError: r.LastError, SentAt: r.SentAt, AttemptLog: []attemptJSON{}}
		if r.Status == store.OutboxPending {
			next := r.NextAttemptAt
			d.NextAttemptAt = &next
		}
		for _, a := range attempts[r.ID] {
			d.AttemptLog = append(d.AttemptLog, attemptJSON{AttemptedAt: a.AttemptedAt, OK: a.OK, Error: a.Error, DurationMS: a.DurationMS})
		}
		byAlert[r.AlertID] = append(byAlert[r.AlertID], d)
	}
	items := mapItems(alerts, func(a store.Alert) eventJSON {
		return eventJSON{ID: a.ID, Type: a.Type, State: a.State, RuleID: a.RuleID, DomainID: a.DomainID, AgentID: a.AgentID,
			OpenedAt: a.OpenedAt, ResolvedAt: a.ResolvedAt, Event: json.RawMessage(a.Payload), Deliveries: nonNil(byAlert[a.ID])}
	})
	return c.JSON(http.StatusOK, newList(items, total, page))
}
