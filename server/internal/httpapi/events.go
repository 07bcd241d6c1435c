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
	eventCare
}

// eventCare is what people and rules did about an event: which rules
// caught it, the outage it belongs to, when it was last sent, who
// acknowledged it, until when it is snoozed.
type eventCare struct {
	RuleIDs           []string   `json:"rule_ids"`
	GroupID           *string    `json:"group_id"`
	NotifiedAt        *time.Time `json:"notified_at"`
	AcknowledgedAt    *time.Time `json:"acknowledged_at"`
	AcknowledgedBy    string     `json:"acknowledged_by,omitempty"`
	SnoozedUntil      *time.Time `json:"snoozed_until"`
	SnoozeUntilChange bool       `json:"snooze_until_change"`
}

func careOf(a store.Alert) eventCare {
	return eventCare{RuleIDs: nonNil(a.RuleIDs), GroupID: a.GroupID, NotifiedAt: a.NotifiedAt, AcknowledgedAt: a.AcknowledgedAt,
		AcknowledgedBy: a.AcknowledgedBy, SnoozedUntil: a.SnoozedUntil, SnoozeUntilChange: a.SnoozeUntilChange}
}

var alertStates = []string{store.AlertOpen, store.AlertResolved, store.AlertInfo}

// listEvents is the alert history with each delivery and its attempts.
func (h *handler) listEvents(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	f := store.AlertFilter{Type: c.QueryParam("type"), DomainID: c.QueryParam("domain_id"), State: c.QueryParam("state"), GroupID: c.QueryParam("group_id")}
	if f.Type != "" && !slices.Contains(append(slices.Clone(store.DefaultEvents), "test"), f.Type) {
		return badRequest("type", "type: unknown event type %s", quote(f.Type))
	}
	if f.State != "" && !slices.Contains(alertStates, f.State) {
		return badRequest("state", "state: must be open, resolved or info; got %s", quote(f.State))
	}
	alerts, total, err := h.store.ListAlerts(c.Request().Context(), principalOf(c).OrgID, f, page)
	if err != nil {
		return err
	}
	items, err := h.eventsJSON(c, alerts)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(items, total, page))
}

// eventsJSON answers events with their deliveries and attempts.
func (h *handler) eventsJSON(c echo.Context, alerts []store.Alert) ([]eventJSON, error) {
	ids := make([]string, len(alerts))
	for i, a := range alerts {
		ids[i] = a.ID
	}
	rows, attempts, err := h.store.Deliveries(c.Request().Context(), principalOf(c).OrgID, ids)
	if err != nil {
		return nil, err
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
	return mapItems(alerts, func(a store.Alert) eventJSON {
		return eventJSON{ID: a.ID, Type: a.Type, State: a.State, RuleID: a.RuleID, DomainID: a.DomainID, AgentID: a.AgentID,
			OpenedAt: a.OpenedAt, ResolvedAt: a.ResolvedAt, Event: json.RawMessage(a.Payload), Deliveries: nonNil(byAlert[a.ID]), eventCare: careOf(a)}
	}), nil
}
