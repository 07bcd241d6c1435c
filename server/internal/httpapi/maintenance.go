package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/maintenance"
	"certinel.dev/server/internal/store"
)

// maintenanceScope is what a window silences: {"type": "domain"|"tag"|"agent", "value": id or tag}.
type maintenanceScope struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type maintenanceRequest struct {
	Name            string           `json:"name"`
	Scope           maintenanceScope `json:"scope"`
	Recurrence      string           `json:"recurrence"`
	StartsAt        *time.Time       `json:"starts_at"`
	EndsAt          *time.Time       `json:"ends_at"`
	Weekdays        []string         `json:"weekdays"`
	StartTime       string           `json:"start_time"`
	DurationMinutes int              `json:"duration_minutes"`
	TimeZone        string           `json:"time_zone"`
}

type maintenanceJSON struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Scope           maintenanceScope `json:"scope"`
	Recurrence      string           `json:"recurrence"`
	StartsAt        *time.Time       `json:"starts_at"`
	EndsAt          *time.Time       `json:"ends_at"`
	Weekdays        []string         `json:"weekdays"`
	StartTime       string           `json:"start_time"`
	DurationMinutes int              `json:"duration_minutes"`
	TimeZone        string           `json:"time_zone"`
	// Active says whether the window is on now, and ActiveUntil when it ends.
	Active      bool       `json:"active"`
	ActiveUntil *time.Time `json:"active_until"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func toMaintenanceJSON(w store.MaintenanceWindow, now time.Time) maintenanceJSON {
	out := maintenanceJSON{ID: w.ID, Name: w.Name, Scope: maintenanceScope{w.ScopeType, w.ScopeValue}, Recurrence: w.Recurrence,
		StartsAt: w.StartsAt, EndsAt: w.EndsAt, Weekdays: nonNil(w.Weekdays), StartTime: w.StartTime,
		DurationMinutes: w.DurationMinutes, TimeZone: w.TimeZone, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
	if on, end := w.Schedule().ActiveAt(now); on {
		out.Active, out.ActiveUntil = true, &end
	}
	return out
}

// toWindow validates a request: a one-off window has starts_at and
// ends_at; a weekly one weekdays, start_time and duration_minutes.
func (req maintenanceRequest) toWindow() (store.MaintenanceWindow, *apiError) {
	w := store.MaintenanceWindow{Name: strings.TrimSpace(req.Name), ScopeType: req.Scope.Type, ScopeValue: strings.TrimSpace(req.Scope.Value),
		Recurrence: req.Recurrence, TimeZone: req.TimeZone}
	if req.Recurrence == maintenance.Once {
		w.StartsAt, w.EndsAt = req.StartsAt, req.EndsAt
	} else {
		w.Weekdays, w.StartTime, w.DurationMinutes = req.Weekdays, req.StartTime, req.DurationMinutes
	}
	var errs []fieldError
	if n := utf8.RuneCountInString(w.Name); n < 1 || n > 100 {
		errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
	}
	switch w.ScopeType {
	case store.MaintenanceDomain, store.MaintenanceAgent:
		if w.ScopeValue == "" {
			errs = append(errs, fieldError{"scope.value", "name the " + w.ScopeType + " by its id"})
		}
	case store.MaintenanceTag:
		tags, tagErr := normalizeTags(&[]string{w.ScopeValue})
		if tagErr != nil || len(tags) != 1 {
			errs = append(errs, fieldError{"scope.value", "must be a tag"})
		} else {
			w.ScopeValue = tags[0]
		}
	default:
		errs = append(errs, fieldError{"scope.type", "must be domain, tag or agent"})
	}
	var fe *maintenance.FieldError
	if err := w.Schedule().Validate(); errors.As(err, &fe) {
		errs = append(errs, fieldError{fe.Field, fe.Message})
	}
	if len(errs) > 0 {
		return w, invalid(errs)
	}
	return w, nil
}

// maintenanceStoreError answers a scope naming no domain or agent of the
// organization as a bad field, like a rule naming no channel.
func maintenanceStoreError(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return invalid([]fieldError{{"scope.value", "no such domain or agent"}})
	case errors.Is(err, store.ErrTooMany):
		return conflict("an organization has at most 200 maintenance windows")
	}
	return err
}

func (h *handler) createMaintenanceWindow(c echo.Context) error {
	var req maintenanceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	w, bad := req.toWindow()
	if bad != nil {
		return bad
	}
	w, err := h.store.CreateMaintenanceWindow(c.Request().Context(), principalOf(c).OrgID, w)
	if err != nil {
		return maintenanceStoreError(err)
	}
	return c.JSON(http.StatusCreated, toMaintenanceJSON(w, h.store.Now()))
}

// updateMaintenanceWindow replaces a window with the request, as rules do.
func (h *handler) updateMaintenanceWindow(c echo.Context) error {
	ctx, orgID := c.Request().Context(), principalOf(c).OrgID
	if _, err := h.store.GetMaintenanceWindow(ctx, orgID, c.Param("id")); err != nil {
		return err
	}
	var req maintenanceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	w, bad := req.toWindow()
	if bad != nil {
		return bad
	}
	w.ID = c.Param("id")
	w, err := h.store.UpdateMaintenanceWindow(ctx, orgID, w)
	if err != nil {
		return maintenanceStoreError(err)
	}
	return c.JSON(http.StatusOK, toMaintenanceJSON(w, h.store.Now()))
}

func (h *handler) listMaintenanceWindows(c echo.Context) error {
	list, err := h.store.ListMaintenanceWindows(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	now := h.store.Now()
	return c.JSON(http.StatusOK, wholeList(mapItems(list, func(w store.MaintenanceWindow) maintenanceJSON { return toMaintenanceJSON(w, now) })))
}

func (h *handler) getMaintenanceWindow(c echo.Context) error {
	w, err := h.store.GetMaintenanceWindow(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMaintenanceJSON(w, h.store.Now()))
}

func (h *handler) deleteMaintenanceWindow(c echo.Context) error {
	if err := h.store.DeleteMaintenanceWindow(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
