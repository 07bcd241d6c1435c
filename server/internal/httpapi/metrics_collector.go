package httpapi

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

// domain_id is in every per-domain label set because host, port, protocol
// and agent name alone can repeat (two agents may share a name), and a
// repeated label set would fail the whole scrape. It adds no series: there
// is one per domain either way.
var domainLabels = []string{"domain", "port", "protocol", "agent", "domain_id"}

var (
	descNotAfter = prometheus.NewDesc("certinel_certificate_not_after_seconds",
		"When the certificate of the domain's current chain that expires first stops being valid, as a Unix time.",
		domainLabels, nil)
	descDaysLeft = prometheus.NewDesc("certinel_certificate_days_left",
		"Whole days until the certificate of the domain's current chain that expires first stops being valid; negative once expired.",
		domainLabels, nil)
	descCheckSuccess = prometheus.NewDesc("certinel_check_success",
		"1 if the domain's latest check completed a TLS handshake and got a certificate chain, 0 if it failed.",
		domainLabels, nil)
	descCheckTime = prometheus.NewDesc("certinel_check_timestamp_seconds",
		"When the domain was last checked, as a Unix time.",
		domainLabels, nil)
	descDomains = prometheus.NewDesc("certinel_domains",
		"Domains of the organization listed under each status filter (pending, ok, due, expiring, expired, invalid, unreachable); a domain with two problems counts under both.",
		[]string{"status"}, nil)
	descWindowStart = prometheus.NewDesc("certinel_certificate_renewal_window_start_seconds",
		"When the renewal of the domain's certificate is expected to start (estimated from its lifetime, or suggested by its CA), as a Unix time.",
		domainLabels, nil)
	descWindowEnd = prometheus.NewDesc("certinel_certificate_renewal_window_end_seconds",
		"When the renewal of the domain's certificate is overdue if not done, as a Unix time.",
		domainLabels, nil)
	descAgentLastSeen = prometheus.NewDesc("certinel_agent_last_seen_timestamp_seconds",
		"When the agent last pulled its targets, as a Unix time; absent for agents never seen.",
		[]string{"agent", "agent_id"}, nil)
	descAgents = prometheus.NewDesc("certinel_agents",
		"Agents of the organization by status (online, offline, never).",
		[]string{"status"}, nil)
	descTruncated = prometheus.NewDesc("certinel_metrics_truncated",
		"1 if per-domain or per-agent series were left out because the organization has more than the exposition's cap.",
		nil, nil)
)

// orgCollector exposes one organization's state as loaded for one scrape.
// It is built per request and registered in a registry of its own, so a
// scrape can never see another organization's series.
type orgCollector struct {
	domains   []store.MetricsDomain
	statuses  map[lifecycle.Status]int64
	agents    []store.Agent
	truncated bool
	now       time.Time
}

var _ prometheus.Collector = (*orgCollector)(nil)

func (c *orgCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descNotAfter, descDaysLeft, descWindowStart, descWindowEnd, descCheckSuccess, descCheckTime,
		descDomains, descAgentLastSeen, descAgents, descTruncated} {
		ch <- d
	}
}

func (c *orgCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, d := range c.domains {
		labels := []string{d.Host, strconv.Itoa(d.Port), d.Protocol, d.AgentName, d.ID}
		if d.NotAfter != nil {
			gauge(descNotAfter, unixSeconds(*d.NotAfter), labels...)
			gauge(descDaysLeft, float64(lifecycle.DaysLeft(*d.NotAfter, c.now)), labels...)
		}
		if d.WindowStart != nil && d.WindowEnd != nil {
			gauge(descWindowStart, unixSeconds(*d.WindowStart), labels...)
			gauge(descWindowEnd, unixSeconds(*d.WindowEnd), labels...)
		}
		if d.CheckedAt != nil {
			gauge(descCheckSuccess, boolFloat(d.Status != lifecycle.StatusUnreachable), labels...)
			gauge(descCheckTime, unixSeconds(*d.CheckedAt), labels...)
		}
	}
	// Every status is always present, zeros included, so that an alert on
	// certinel_domains{status="expired"} > 0 has a series to evaluate.
	for _, s := range lifecycle.Statuses {
		gauge(descDomains, float64(c.statuses[s]), string(s))
	}
	agentCounts := map[string]int{}
	for _, a := range c.agents {
		agentCounts[agentStatus(a, c.now)]++
		if a.LastSeenAt != nil {
			gauge(descAgentLastSeen, unixSeconds(*a.LastSeenAt), a.Name, a.ID)
		}
	}
	for _, s := range []string{agentOnline, agentOffline, agentNever} {
		gauge(descAgents, float64(agentCounts[s]), s)
	}
	gauge(descTruncated, boolFloat(c.truncated))
}

func unixSeconds(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
