package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

type staleJSON struct {
	DomainID      string `json:"domain_id"`
	Host          string `json:"host"`
	Port          int    `json:"port"`
	Name          string `json:"name"`
	ServedSHA256  string `json:"served_sha256"`
	NewerSHA256   string `json:"newer_sha256"`
	NewerDomainID string `json:"newer_domain_id"`
	NewerHost     string `json:"newer_host"`
	NewerPort     int    `json:"newer_port"`
}

func toStaleJSON(s store.StaleEndpoint) staleJSON {
	return staleJSON{DomainID: s.DomainID, Host: s.Host, Port: s.Port, Name: s.Name, ServedSHA256: s.ServedSHA256,
		NewerSHA256: s.NewerSHA256, NewerDomainID: s.NewerDomainID, NewerHost: s.NewerHost, NewerPort: s.NewerPort}
}

func (h *handler) staleEndpoints(c echo.Context) error {
	rows, err := h.store.StaleEndpoints(c.Request().Context(), principalOf(c).OrgID, "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, wholeList(mapItems(rows, toStaleJSON)))
}

type clusterJSON struct {
	Date         string         `json:"date"`
	Endpoints    int            `json:"endpoints"`
	Certificates int            `json:"certificates"`
	Domains      []clusterEntry `json:"domains"`
}

type clusterEntry struct {
	ID       string    `json:"id"`
	Host     string    `json:"host"`
	Port     int       `json:"port"`
	NotAfter time.Time `json:"not_after"`
}

// clusterSample is how many of a cluster's endpoints the answer names, the
// earliest first; the domain list filtered by expiry shows the rest.
const clusterSample = 20

// expiryClusters groups the deadlines of the next days by calendar day
// (UTC); days where at least min endpoints expire together are clusters: a
// correlated failure waiting to happen.
func (h *handler) expiryClusters(c echo.Context) error {
	days, err := intParam(c, "days", 90, 1, 730)
	if err != nil {
		return err
	}
	minimum, err := intParam(c, "min", 2, 1, 100000)
	if err != nil {
		return err
	}
	now := h.store.Now()
	clusters, err := h.store.ExpiryClusters(c.Request().Context(), principalOf(c).OrgID, now, now.Add(time.Duration(days)*24*time.Hour), minimum, clusterSample)
	if err != nil {
		return err
	}
	out := mapItems(clusters, func(cl store.ExpiryCluster) clusterJSON {
		return clusterJSON{Date: cl.Date, Endpoints: cl.Endpoints, Certificates: cl.Certificates,
			Domains: mapItems(cl.Sample, func(d store.Deadline) clusterEntry {
				return clusterEntry{ID: d.DomainID, Host: d.Host, Port: d.Port, NotAfter: d.NotAfter}
			})}
	})
	return c.JSON(http.StatusOK, map[string]any{"items": out, "total": len(out), "days": days, "min": minimum})
}

func intParam(c echo.Context, name string, def, lo, hi int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest(name, "%s: want a whole number from %d to %d, got %s", name, lo, hi, quote(v))
	}
	return n, nil
}
