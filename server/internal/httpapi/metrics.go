package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/common/expfmt"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// metricsPath is where the organization's Prometheus exposition is served.
const metricsPath = "/api/v1/metrics"

// metrics answers the Prometheus exposition of the caller's organization,
// in the text format or OpenMetrics as the scraper asks. It holds every
// domain and agent of the organization, read and written a chunk at a
// time (see exposition), so a scrape's memory does not grow with them.
// ?agent_id= narrows every series to one agent's, so that an organization
// too large for one scrape can split it by agent.
func (h *handler) metrics(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	agentID := c.QueryParam("agent_id")
	if agentID != "" {
		if _, err := h.store.GetAgent(ctx, orgID, agentID); err != nil {
			return err
		}
	}
	openMetrics := expfmt.NegotiateIncludingOpenMetrics(c.Request().Header).FormatType() == expfmt.TypeOpenMetrics
	x := newExposition(openMetrics, domainFamilies, spoolMemory)
	defer x.close()
	out, end := metricsBody(c, x.contentType())
	x.streamFirst(out)
	err = h.writeMetrics(ctx, out, x, orgID, agentID, org.ExpiringThresholdDays)
	if err != nil {
		// The answer has begun: all that is left is to cut it short, which
		// a scraper sees as a failed scrape.
		h.log.Error("metrics: write", "err", err)
	}
	if err := end(err == nil); err != nil {
		h.log.Debug("metrics: write", "err", err)
	}
	return nil
}

// writeMetrics writes the body of the exposition: the per-domain families
// as the domains are read (see exposition), then the counts of domains,
// taken from the same read, and the agents' families.
func (h *handler) writeMetrics(ctx context.Context, out *bufio.Writer, x *exposition, orgID, agentID string, floorDays int) error {
	now := h.store.Now()
	counts, err := h.store.EachMetricsDomain(ctx, orgID, agentID, floorDays, func(ds []store.MetricsDomain) error {
		for _, d := range ds {
			x.domain(d, now)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := x.finish(); err != nil {
		return err
	}
	if err := x.writeFamilies(out); err != nil {
		return fmt.Errorf("httpapi: write metrics: %w", err)
	}
	// Every status is always present, zeros included, so that an alert on
	// certinel_domains{status="expired"} > 0 has a series to evaluate.
	domains := newFamily(out, familyDomains)
	for _, s := range lifecycle.Statuses {
		domains.sample(labelSet("status", string(s)), float64(counts[s]))
	}
	if err := h.writeAgents(ctx, out, orgID, agentID, now); err != nil {
		return err
	}
	if x.openMetrics {
		_, _ = out.WriteString("# EOF\n")
	}
	return nil
}

// writeAgents writes the agents' families.
func (h *handler) writeAgents(ctx context.Context, out *bufio.Writer, orgID, agentID string, now time.Time) error {
	lastSeen := newFamily(out, familyAgentLastSeen)
	agentCounts := map[string]int{}
	err := h.store.EachMetricsAgent(ctx, orgID, agentID, func(as []store.MetricsAgent) error {
		for _, a := range as {
			agentCounts[agentStatus(store.Agent{LastSeenAt: a.LastSeenAt, IntervalSeconds: a.IntervalSeconds}, now)]++
			if a.LastSeenAt != nil {
				lastSeen.sample(labelSet("agent", a.Name, "agent_id", a.ID), unixSeconds(*a.LastSeenAt))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("httpapi: metrics agents: %w", err)
	}
	agents := newFamily(out, familyAgents)
	for _, s := range []string{agentOnline, agentOffline, agentNever} {
		agents.sample(labelSet("status", s), float64(agentCounts[s]))
	}
	return nil
}

// labelSet renders name/value pairs as the text formats' label set.
func labelSet(pairs ...string) []byte {
	b := []byte{'{'}
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendLabel(b, pairs[i], pairs[i+1])
	}
	return append(b, '}')
}

// domainLabelSet is the label set of a domain's series. domain_id is in it
// because host, port, protocol and agent name alone can repeat (two agents
// may share a name), and a repeated label set would fail the whole scrape.
// It adds no series: there is one per domain either way.
func domainLabelSet(b []byte, d store.MetricsDomain) []byte {
	b = append(b[:0], '{')
	b = appendLabel(b, "domain", d.Host)
	b = append(b, ',')
	b = appendLabel(b, "port", strconv.Itoa(d.Port))
	b = append(b, ',')
	b = appendLabel(b, "protocol", d.Protocol)
	b = append(b, ',')
	b = appendLabel(b, "agent", d.AgentName)
	b = append(b, ',')
	b = appendLabel(b, "domain_id", d.ID)
	return append(b, '}')
}
