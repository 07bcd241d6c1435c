package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

type keyExchangeJSON struct {
	// Group is the key exchange group as Go names it; empty for the
	// endpoints whose group is unknown.
	Group       string `json:"group"`
	PostQuantum bool   `json:"post_quantum"`
	Endpoints   int    `json:"endpoints"`
}

// readinessJSON sums the groups up: how many endpoints are post-quantum
// ready, how many are not, and how many are unknown.
type readinessJSON struct {
	Ready    int `json:"ready"`
	NotReady int `json:"not_ready"`
	Unknown  int `json:"unknown"`
}

// keyExchangeInsight counts the organization's endpoints by the key
// exchange group of their latest check and by post-quantum readiness.
func (h *handler) keyExchangeInsight(c echo.Context) error {
	rows, err := h.store.KeyExchangeCounts(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	var sum readinessJSON
	for _, r := range rows {
		switch {
		case r.Group == "":
			sum.Unknown += r.Endpoints
		case r.PostQuantum:
			sum.Ready += r.Endpoints
		default:
			sum.NotReady += r.Endpoints
		}
	}
	items := mapItems(rows, func(r store.KeyExchangeCount) keyExchangeJSON {
		return keyExchangeJSON{Group: r.Group, PostQuantum: r.PostQuantum, Endpoints: r.Endpoints}
	})
	return c.JSON(http.StatusOK, map[string]any{"items": items, "total": len(items), "readiness": sum})
}
