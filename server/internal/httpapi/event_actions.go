package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

// getEvent answers one event with its deliveries; an agent's outage lists
// its endpoints with GET /events?group_id=.
func (h *handler) getEvent(c echo.Context) error {
	a, err := h.store.GetAlert(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	return h.answerEvent(c, a)
}

func (h *handler) answerEvent(c echo.Context, a store.Alert) error {
	items, err := h.eventsJSON(c, []store.Alert{a})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, items[0])
}

func (h *handler) acknowledgeEvent(c echo.Context) error {
	return h.careForEvent(c, func(orgID, id string) (store.Alert, error) {
		return h.store.AcknowledgeAlert(c.Request().Context(), orgID, id, c.Request().Method == http.MethodPost)
	})
}

type snoozeRequest struct {
	Until       *time.Time `json:"until"`
	UntilChange bool       `json:"until_change"`
}

// maxSnooze bounds a timed snooze; longer is what acknowledging is for.
const maxSnooze = 90 * 24 * time.Hour

// snoozeEvent silences an open event's reminders and resolution until a
// time, or its reminders until it resolves (until_change).
func (h *handler) snoozeEvent(c echo.Context) error {
	// Another organization's event is not found, whatever the body says.
	if _, err := h.store.GetAlert(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	var req snoozeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	now := h.store.Now()
	switch {
	case req.Until == nil && !req.UntilChange:
		return invalid([]fieldError{{"until", "give a time to snooze until, or until_change: true"}})
	case req.Until != nil && req.UntilChange:
		return invalid([]fieldError{{"until", "give either until or until_change, not both"}})
	case req.Until != nil && (!req.Until.After(now) || req.Until.After(now.Add(maxSnooze))):
		return invalid([]fieldError{{"until", "must be in the next 90 days"}})
	}
	return h.careForEvent(c, func(orgID, id string) (store.Alert, error) {
		return h.store.SnoozeAlert(c.Request().Context(), orgID, id, store.Snooze{Until: req.Until, UntilChange: req.UntilChange})
	})
}

func (h *handler) unsnoozeEvent(c echo.Context) error {
	return h.careForEvent(c, func(orgID, id string) (store.Alert, error) {
		return h.store.SnoozeAlert(c.Request().Context(), orgID, id, store.Snooze{})
	})
}

// careForEvent runs an acknowledgement or snooze and answers the event.
func (h *handler) careForEvent(c echo.Context, do func(orgID, id string) (store.Alert, error)) error {
	a, err := do(principalOf(c).OrgID, c.Param("id"))
	if errors.Is(err, store.ErrConflict) {
		return conflict("the event is no longer open")
	}
	if err != nil {
		return err
	}
	return h.answerEvent(c, a)
}
