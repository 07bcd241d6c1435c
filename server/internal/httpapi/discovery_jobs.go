package httpapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/discovery"
	"certinel.dev/shared/wire"
)

// Bounds of a discovery job. The interval floor keeps sweeps polite; the
// rate ceiling is what one agent may ask of a network per second.
const (
	defaultDiscoveryInterval = 86_400
	minDiscoveryInterval     = 300
	maxDiscoveryInterval     = 30 * 86_400
	defaultDiscoveryRate     = 50
	maxDiscoveryRate         = 1000
	maxJobHostSpecs          = 1000
	maxHostSpecLen           = 255
)

// discoveryJobRequest is the body of POST and PATCH. PATCH replaces the
// fields it gives; add_hosts and add_ports extend the job instead (after
// any replacement in the same request).
type discoveryJobRequest struct {
	AgentID         optional[string]   `json:"agent_id"`
	Hosts           optional[[]string] `json:"hosts"`
	Ports           optional[string]   `json:"ports"`
	IntervalSeconds optional[int]      `json:"interval_seconds"`
	RatePerSecond   optional[int]      `json:"rate_per_second"`
	AutoAdopt       optional[bool]     `json:"auto_adopt"`
	AddHosts        []string           `json:"add_hosts"`
	AddPorts        string             `json:"add_ports"`
}

type discoveryJobJSON struct {
	ID              string    `json:"id"`
	AgentID         string    `json:"agent_id"`
	Hosts           []string  `json:"hosts"`
	Ports           string    `json:"ports"`
	IntervalSeconds int       `json:"interval_seconds"`
	RatePerSecond   int       `json:"rate_per_second"`
	AutoAdopt       bool      `json:"auto_adopt"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func toDiscoveryJobJSON(j store.DiscoveryJob) discoveryJobJSON {
	return discoveryJobJSON{ID: j.ID, AgentID: j.AgentID, Hosts: j.Hosts, Ports: j.Ports, IntervalSeconds: j.IntervalSeconds,
		RatePerSecond: j.RatePerSecond, AutoAdopt: j.AutoAdopt, CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt}
}

// apply validates the request onto j, collecting every error. create says
// whether absent fields take their defaults.
func (r discoveryJobRequest) apply(j *store.DiscoveryJob, create bool) []fieldError {
	var errs []fieldError
	if r.AgentID.Set || create {
		if r.AgentID.Value == nil || strings.TrimSpace(*r.AgentID.Value) == "" {
			errs = append(errs, fieldError{"agent_id", "is required: the agent that sweeps its network"})
		} else {
			j.AgentID = strings.TrimSpace(*r.AgentID.Value)
		}
	}
	hostsOK := true
	if r.Hosts.Set || create {
		j.Hosts = nil
		if r.Hosts.Value != nil {
			j.Hosts = *r.Hosts.Value
		}
	}
	j.Hosts = appendHosts(j.Hosts, r.AddHosts)
	if fe := checkHostSpecs(j.Hosts); fe != nil {
		errs, hostsOK = append(errs, *fe), false
	}
	if r.Ports.Set || create {
		j.Ports = ""
		if r.Ports.Value != nil {
			j.Ports = strings.TrimSpace(*r.Ports.Value)
		}
	}
	if add := strings.TrimSpace(r.AddPorts); add != "" {
		if j.Ports == "" {
			j.Ports = discovery.DefaultPorts
		}
		j.Ports += "," + add
	}
	if r.IntervalSeconds.Set || create {
		j.IntervalSeconds = defaultDiscoveryInterval
		if v := r.IntervalSeconds.Value; v != nil {
			if *v < minDiscoveryInterval || *v > maxDiscoveryInterval {
				errs = append(errs, fieldError{"interval_seconds", "must be between 300 (5 minutes) and 2592000 (30 days)"})
			}
			j.IntervalSeconds = *v
		}
	}
	if r.RatePerSecond.Set || create {
		j.RatePerSecond = defaultDiscoveryRate
		if v := r.RatePerSecond.Value; v != nil {
			if *v < 1 || *v > maxDiscoveryRate {
				errs = append(errs, fieldError{"rate_per_second", "must be between 1 and 1000 new connections per second"})
			}
			j.RatePerSecond = *v
		}
	}
	if r.AutoAdopt.Set {
		j.AutoAdopt = r.AutoAdopt.Value != nil && *r.AutoAdopt.Value
	}
	if hostsOK {
		errs = append(errs, planJob(j)...)
	}
	return errs
}

// appendHosts adds host specs, trimmed, skipping ones already listed.
func appendHosts(hosts, add []string) []string {
	for _, h := range add {
		if h = strings.TrimSpace(h); !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

func checkHostSpecs(hosts []string) *fieldError {
	if len(hosts) > maxJobHostSpecs {
		return &fieldError{"hosts", "at most 1000 entries; use CIDR blocks for ranges"}
	}
	for i, h := range hosts {
		hosts[i] = strings.TrimSpace(h)
		if len(hosts[i]) > maxHostSpecLen {
			return &fieldError{"hosts", "entry " + quote(hosts[i]) + " is longer than 255 characters"}
		}
	}
	return nil
}

// planJob expands the job as the agent will, so that what is stored can be
// run, and stores its ports in canonical form.
func planJob(j *store.DiscoveryJob) []fieldError {
	plan, err := discovery.NewPlan(j.Hosts, j.Ports)
	var pe *discovery.Error
	if errors.As(err, &pe) {
		return []fieldError{{string(pe.Field), pe.Err.Error()}}
	}
	if err != nil {
		return []fieldError{{"hosts", err.Error()}}
	}
	j.Ports = discovery.FormatPorts(plan.Ports)
	return nil
}

func (h *handler) createDiscoveryJob(c echo.Context) error {
	var req discoveryJobRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var j store.DiscoveryJob
	if errs := req.apply(&j, true); len(errs) > 0 {
		return invalid(errs)
	}
	orgID := principalOf(c).OrgID
	j, err := h.store.CreateDiscoveryJob(c.Request().Context(), orgID, j)
	if err != nil {
		return discoveryJobStoreError(err)
	}
	h.runDiscovery(c.Request().Context(), j)
	return c.JSON(http.StatusCreated, toDiscoveryJobJSON(j))
}

func (h *handler) updateDiscoveryJob(c echo.Context) error {
	var req discoveryJobRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	j, err := h.store.GetDiscoveryJob(ctx, orgID, c.Param("id"))
	if err != nil {
		return err
	}
	if errs := req.apply(&j, false); len(errs) > 0 {
		return invalid(errs)
	}
	if j, err = h.store.UpdateDiscoveryJob(ctx, orgID, j); err != nil {
		return discoveryJobStoreError(err)
	}
	return c.JSON(http.StatusOK, toDiscoveryJobJSON(j))
}

func discoveryJobStoreError(err error) error {
	if errors.Is(err, store.ErrAgentNotFound) {
		return invalid([]fieldError{{"agent_id", "no such agent"}})
	}
	return err
}

func (h *handler) listDiscoveryJobs(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	jobs, total, err := h.store.ListDiscoveryJobs(c.Request().Context(), principalOf(c).OrgID, c.QueryParam("agent_id"), page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(mapItems(jobs, toDiscoveryJobJSON), total, page))
}

func (h *handler) getDiscoveryJob(c echo.Context) error {
	j, err := h.store.GetDiscoveryJob(c.Request().Context(), principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toDiscoveryJobJSON(j))
}

func (h *handler) deleteDiscoveryJob(c echo.Context) error {
	if err := h.store.DeleteDiscoveryJob(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// runDiscoveryJob is POST /discovery-jobs/:id/run: the job's agent runs it
// now instead of at its next interval. 202: the sweep's findings arrive in
// /discovered as it goes.
func (h *handler) runDiscoveryJob(c echo.Context) error {
	ctx := c.Request().Context()
	j, err := h.store.GetDiscoveryJob(ctx, principalOf(c).OrgID, c.Param("id"))
	if err != nil {
		return err
	}
	if err := h.sendRunDiscovery(ctx, j); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toDiscoveryJobJSON(j))
}

// runDiscovery has a new job run now by its agent if connected (one that
// is not sweeps new jobs after its next pull); a failure only costs that
// wait.
func (h *handler) runDiscovery(ctx context.Context, j store.DiscoveryJob) {
	if !h.channelOpen(ctx, j.OrganizationID, j.AgentID) {
		return
	}
	if err := h.sendRunDiscovery(ctx, j); err != nil {
		h.log.Warn("could not tell the agent to run a discovery job", "agent", j.AgentID, "job", j.ID, "err", err)
	}
}

func (h *handler) sendRunDiscovery(ctx context.Context, j store.DiscoveryJob) error {
	return h.commands.Send(ctx, j.OrganizationID, j.AgentID, wire.CommandRunDiscovery, wire.CommandArgs{DiscoveryJobID: j.ID})
}
