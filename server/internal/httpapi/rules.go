package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

type ruleScope struct {
	All      *bool    `json:"all"`
	Tags     []string `json:"tags"`
	AgentIDs []string `json:"agent_ids"`
}

// UnmarshalJSON also takes the shorthand "all" for every domain.
func (s *ruleScope) UnmarshalJSON(b []byte) error {
	if string(b) == `"all"` {
		all := true
		*s = ruleScope{All: &all}
		return nil
	}
	type plain ruleScope
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("scope: want \"all\" or {all, tags, agent_ids}: %w", err)
	}
	*s = ruleScope(p)
	return nil
}

type ruleRequest struct {
	Name             string     `json:"name"`
	Enabled          *bool      `json:"enabled"`
	ThresholdsDays   []int      `json:"thresholds_days"`
	Events           []string   `json:"events"`
	ChannelIDs       []string   `json:"channel_ids"`
	Routes           *[]route   `json:"routes"`
	Scope            *ruleScope `json:"scope"`
	UnreachableAfter *int       `json:"unreachable_after"`
	RemindEveryHours *int       `json:"remind_every_hours"`
}

type ruleJSON struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Enabled          bool      `json:"enabled"`
	ThresholdsDays   []int     `json:"thresholds_days"`
	Events           []string  `json:"events"`
	ChannelIDs       []string  `json:"channel_ids"`
	Routes           []route   `json:"routes"`
	Scope            ruleScope `json:"scope"`
	UnreachableAfter int       `json:"unreachable_after"`
	RemindEveryHours int       `json:"remind_every_hours"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func toRuleJSON(r store.AlertRule) ruleJSON {
	all := r.ScopeAll
	return ruleJSON{ID: r.ID, Name: r.Name, Enabled: r.Enabled, ThresholdsDays: nonNil(r.Thresholds), Events: nonNil(r.Events),
		ChannelIDs: nonNil(r.ChannelIDs), Routes: toRoutesJSON(r.EffectiveRoutes()), Scope: ruleScope{All: &all, Tags: nonNil(r.ScopeTags), AgentIDs: nonNil(r.ScopeAgentIDs)},
		UnreachableAfter: r.UnreachableAfter, RemindEveryHours: r.RemindEveryHours, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// maxRemindHours bounds reminders to one a month at the least.
const maxRemindHours = 720

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// toRule validates a rule request; absent fields take the defaults of a
// new organization's rule.
func (req ruleRequest) toRule() (store.AlertRule, []fieldError) {
	var errs []fieldError
	r := store.AlertRule{Name: strings.TrimSpace(req.Name), Enabled: true, Thresholds: store.DefaultThresholds,
		Events: store.DefaultEvents, ChannelIDs: req.ChannelIDs, ScopeAll: true, UnreachableAfter: 2}
	if n := utf8.RuneCountInString(r.Name); n < 1 || n > 100 {
		errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
	}
	if req.Enabled != nil {
		r.Enabled = *req.Enabled
	}
	if req.ThresholdsDays != nil {
		if len(req.ThresholdsDays) > 10 {
			errs = append(errs, fieldError{"thresholds_days", "at most 10 thresholds"})
		}
		r.Thresholds = nil
		for _, d := range req.ThresholdsDays {
			if d < 0 || d > 365 {
				errs = append(errs, fieldError{"thresholds_days", "each threshold must be 0 to 365 days"})
				break
			}
			if !slices.Contains(r.Thresholds, d) {
				r.Thresholds = append(r.Thresholds, d)
			}
		}
		slices.Sort(r.Thresholds)
		slices.Reverse(r.Thresholds)
	}
	if req.Events != nil {
		r.Events = nil
		for _, e := range req.Events {
			if !slices.Contains(lifecycle.RuleEvents, lifecycle.Event(e)) {
				errs = append(errs, fieldError{"events", "unknown event " + quote(e) + "; known: " + strings.Join(lifecycle.Names(lifecycle.RuleEvents...), ", ")})
				break
			}
			if !slices.Contains(r.Events, e) {
				r.Events = append(r.Events, e)
			}
		}
	}
	if req.Routes != nil {
		routes, routeErrs := toRoutes(*req.Routes)
		r.Routes, r.ChannelIDs = routes, nil
		errs = append(errs, routeErrs...)
	}
	if len(r.ChannelIDs) > maxRoutes {
		errs = append(errs, fieldError{"channel_ids", "at most 20 channels"})
	}
	if r.ChannelIDs == nil {
		r.ChannelIDs = []string{}
	}
	r.ScopeTags, r.ScopeAgentIDs = []string{}, []string{}
	if s := req.Scope; s != nil {
		tags, tagErr := normalizeTags(&s.Tags)
		if tagErr != nil {
			errs = append(errs, fieldError{"scope.tags", tagErr.Message})
		}
		r.ScopeTags = nonNil(tags)
		r.ScopeAgentIDs = nonNil(s.AgentIDs)
		r.ScopeAll = len(r.ScopeTags) == 0 && len(r.ScopeAgentIDs) == 0
		if s.All != nil && *s.All {
			r.ScopeAll = true
		}
		if s.All != nil && !*s.All && r.ScopeAll {
			errs = append(errs, fieldError{"scope", "name tags or agent_ids, or set all to true"})
		}
	}
	if req.UnreachableAfter != nil {
		if *req.UnreachableAfter < 1 || *req.UnreachableAfter > 100 {
			errs = append(errs, fieldError{"unreachable_after", "must be 1 to 100 consecutive failed checks"})
		}
		r.UnreachableAfter = *req.UnreachableAfter
	}
	if req.RemindEveryHours != nil {
		if *req.RemindEveryHours < 0 || *req.RemindEveryHours > maxRemindHours {
			errs = append(errs, fieldError{"remind_every_hours", "must be 0 (no reminders) to 720 hours"})
		}
		r.RemindEveryHours = *req.RemindEveryHours
	}
	return r, errs
}

func ruleStoreError(req ruleRequest, err error) error {
	switch {
	case errors.Is(err, store.ErrChannelNotFound) && req.Routes != nil:
		return invalid([]fieldError{{"routes", "no such channel"}})
	case errors.Is(err, store.ErrChannelNotFound):
		return invalid([]fieldError{{"channel_ids", "no such channel"}})
	case errors.Is(err, store.ErrAgentNotFound):
		return invalid([]fieldError{{"scope.agent_ids", "no such agent"}})
	}
	return err
}

func (h *handler) createRule(c echo.Context) error {
	var req ruleRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, errs := req.toRule()
	if len(errs) > 0 {
		return invalid(errs)
	}
	r, err := h.store.CreateAlertRule(c.Request().Context(), principalOf(c).OrgID, r)
	if err != nil {
		return ruleStoreError(req, err)
	}
	return c.JSON(http.StatusCreated, toRuleJSON(r))
}

// updateRule replaces a rule with the request (PUT semantics on PATCH: the
// body is a whole rule, absent fields take the defaults).
func (h *handler) updateRule(c echo.Context) error {
	var req ruleRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, errs := req.toRule()
	if len(errs) > 0 {
		return invalid(errs)
	}
	r.ID = c.Param("id")
	r, err := h.store.UpdateAlertRule(c.Request().Context(), principalOf(c).OrgID, r)
	if err != nil {
		return ruleStoreError(req, err)
	}
	return c.JSON(http.StatusOK, toRuleJSON(r))
}

func (h *handler) listRules(c echo.Context) error {
	list, err := h.store.ListAlertRules(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(mapItems(list, toRuleJSON)))
}

func (h *handler) getRule(c echo.Context) error {
	r, err := h.store.GetAlertRule(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRuleJSON(r))
}

func (h *handler) deleteRule(c echo.Context) error {
	if err := h.store.DeleteAlertRule(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
