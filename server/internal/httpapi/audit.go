package httpapi

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

type auditJSON struct {
	ID         string          `json:"id"`
	ActorType  string          `json:"actor_type"`
	ActorID    string          `json:"actor_id"`
	ActorLabel string          `json:"actor_label"`
	ActorName  string          `json:"actor_name"`
	Action     string          `json:"action"`
	TargetType string          `json:"target_type"`
	TargetID   string          `json:"target_id"`
	TargetName string          `json:"target_name"`
	IP         string          `json:"ip"`
	Details    json.RawMessage `json:"details"`
	CreatedAt  time.Time       `json:"created_at"`
}

func toAuditJSON(e store.AuditRecord) auditJSON {
	return auditJSON{ID: e.ID, ActorType: e.ActorType, ActorID: e.ActorID, ActorLabel: e.ActorLabel, ActorName: e.ActorName,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, TargetName: e.TargetName, IP: e.IP,
		Details: json.RawMessage(e.Details), CreatedAt: e.CreatedAt}
}

// auditFilter reads ?actor_type=&actor_id=&action=&from=&to=. A bare date
// in to includes that whole day (UTC); a time in to is exclusive.
func auditFilter(c echo.Context) (store.AuditFilter, error) {
	f := store.AuditFilter{ActorType: c.QueryParam("actor_type"), ActorID: c.QueryParam("actor_id"), Action: c.QueryParam("action")}
	for name, v := range map[string]string{"actor_type": f.ActorType, "actor_id": f.ActorID, "action": f.Action} {
		if len(v) > 128 {
			return f, badRequest(name, "%s: at most 128 characters", name)
		}
	}
	for _, b := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		v := c.QueryParam(b.name)
		if v == "" {
			continue
		}
		t, err := parseTimeOrDate(v)
		if err != nil {
			return f, badRequest(b.name, "%s: want an RFC 3339 time or a date YYYY-MM-DD, got %s", b.name, quote(v))
		}
		if b.name == "to" && len(v) == len(time.DateOnly) {
			t = t.AddDate(0, 0, 1)
		}
		*b.dst = &t
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, badRequest("to", "to: must be after from")
	}
	return f, nil
}

func (h *handler) listAudit(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	list, total, err := h.store.SearchAudit(c.Request().Context(), principalOf(c).OrgID, f, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(mapItems(list, toAuditJSON), total, page))
}

type auditActorJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// auditFacets answers the actors and actions the audit log holds, for the
// dashboard's filters.
func (h *handler) auditFacets(c echo.Context) error {
	actors, actions, err := h.store.AuditFacets(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"actors":  mapItems(actors, func(a store.AuditActor) auditActorJSON { return auditActorJSON(a) }),
		"actions": actions,
	})
}

var auditCSVColumns = []string{"time", "actor_type", "actor", "actor_id", "action", "target_type", "target", "target_id", "ip", "details"}

// exportAudit writes the filtered audit log as CSV, newest first, every
// page. Text that someone else chose (names, details) is defused against
// formula injection the same way as the domain export.
func (h *handler) exportAudit(c echo.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="certinel-audit-`+h.store.Now().Format("2006-01-02")+`.csv"`)
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	_ = w.Write(auditCSVColumns)
	// Retention bounds the log, so paging by offset stays cheap enough.
	for page := 1; ; page++ {
		list, _, err := h.store.SearchAudit(ctx, orgID, f, store.Page{Number: page, PerPage: exportPageSize})
		if err != nil {
			// Headers are gone; end the body so a client sees a short file.
			h.log.Error("export audit log", "err", err)
			return nil
		}
		for _, e := range list {
			_ = w.Write([]string{e.CreatedAt.UTC().Format(time.RFC3339), e.ActorType, csvSafe(e.ActorName), e.ActorID,
				e.Action, e.TargetType, csvSafe(e.TargetName), e.TargetID, e.IP, csvSafe(e.Details)})
		}
		w.Flush()
		if len(list) < exportPageSize {
			return w.Error()
		}
	}
}
