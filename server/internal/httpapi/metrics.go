package httpapi

import (
	"fmt"
	"log/slog"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"certinel.dev/server/internal/store"
)

// Caps of one scrape. Series are bounded by the organization's own domains
// and agents; the caps keep one very large organization from producing a
// scrape that Prometheus would choke on: at most 6 series per domain and 1
// per agent, so under 70,000 series in all. Beyond a cap the first domains
// by host and port are kept (the same ones every scrape) and
// certinel_metrics_truncated says so.
const (
	maxMetricDomains = 10_000
	maxMetricAgents  = 5_000
)

// metrics answers the Prometheus exposition of the caller's organization,
// in the text format or OpenMetrics as the scraper asks.
func (h *handler) metrics(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	domains, err := h.store.MetricsDomains(ctx, orgID, org.ExpiringThresholdDays, maxMetricDomains+1)
	if err != nil {
		return err
	}
	truncated := len(domains) > maxMetricDomains
	if truncated {
		domains = domains[:maxMetricDomains]
	}
	statuses, err := h.store.DomainStatusCounts(ctx, orgID, org.ExpiringThresholdDays)
	if err != nil {
		return err
	}
	agents, totalAgents, err := h.store.ListAgents(ctx, orgID, store.Page{Number: 1, PerPage: maxMetricAgents})
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	col := &orgCollector{domains: domains, statuses: statuses, agents: agents,
		truncated: truncated || totalAgents > int64(len(agents)), now: h.store.Now()}
	if err := reg.Register(col); err != nil {
		return fmt.Errorf("httpapi: register metrics collector: %w", err)
	}
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:          slog.NewLogLogger(h.log.Handler(), slog.LevelError),
		ErrorHandling:     promhttp.HTTPErrorOnError,
		EnableOpenMetrics: true,
		// The compression middleware compresses every answer alike.
		DisableCompression: true,
	}).ServeHTTP(c.Response(), c.Request())
	return nil
}
