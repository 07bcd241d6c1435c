package monitor

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"certinel.dev/server/internal/safetext"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/target"
	"certinel.dev/shared/wire"
)

// maxSuggestedNames bounds the names kept from one certificate: enough to
// choose from, without copying a CDN certificate's hundreds of SANs.
const maxSuggestedNames = 20

// convertResult converts a target's result or a discovery result. found is
// set for a discovery result: the endpoint it adds to the inventory.
func (j *judge) convertResult(r wire.Result, src Source) (obs store.Observation, found *store.DiscoveredEndpoint, err error) {
	switch {
	case r.TargetID != "" && r.DiscoveryJobID != "":
		return obs, nil, errors.New("give target_id or discovery_job_id, not both")
	case r.DiscoveryJobID == "":
		obs, err = j.convert(r, src.AgentID, src.Targets)
		return obs, nil, err
	}
	return j.convertDiscovery(r, src)
}

// convertDiscovery checks a result found by one of the agent's discovery
// jobs, and judges its chain so that the certificate joins the inventory
// with a verdict before anyone adopts the endpoint.
func (j *judge) convertDiscovery(r wire.Result, src Source) (store.Observation, *store.DiscoveredEndpoint, error) {
	var obs store.Observation
	job, ok := src.Jobs[r.DiscoveryJobID]
	if !ok || src.AgentID == nil {
		return obs, nil, fmt.Errorf("discovery_job_id %q: not a discovery job of this agent", safetext.Fit(r.DiscoveryJobID, maxQuotedLen))
	}
	if err := checkResult(r, j.now()); err != nil {
		return obs, nil, err
	}
	ep, err := checkEndpoint(r)
	if err != nil {
		return obs, nil, err
	}
	chain, shas, earliest, err := j.parseChain(r.Chain)
	if err != nil {
		return obs, nil, err
	}
	judgeAs := store.Domain{Host: ep.Address, SNI: ep.SNI, Port: ep.Port, Protocol: ep.Protocol}
	v, raw, err := j.verdict(chain, judgeAs, r.TLSVersion)
	if err != nil {
		return obs, nil, err
	}
	obs = store.Observation{
		ID: store.NewID(), ObservedAt: r.ObservedAt.UTC(), Address: net.JoinHostPort(ep.Address, strconv.Itoa(ep.Port)),
		DurationMS: r.DurationMS, TLSVersion: r.TLSVersion, CipherSuite: r.CipherSuite, KeyExchange: r.KeyExchange, NotAfter: earliest, Chain: shas,
		LeafSHA256: shas[0], HandshakeError: r.Error,
	}
	applyVerdict(&obs, v, raw)
	ep.AgentID, ep.DiscoveryJobID, ep.ObservationID = *src.AgentID, &job.ID, obs.ID
	ep.LeafSHA256, ep.NotAfter, ep.LastSeenAt = obs.LeafSHA256, earliest, obs.ObservedAt
	ep.VerdictStatus, ep.TrustStatus, ep.Problems = obs.VerdictStatus, obs.TrustStatus, strings.Join(obs.Problems, ",")
	ep.SuggestedNames = []string{}
	if _, err := netip.ParseAddr(ep.Address); err == nil {
		ep.SuggestedNames = suggestNames(j.cache[r.Chain[0]].row.Names)
	}
	return obs, &ep, nil
}

// checkEndpoint validates where a discovery result was found. Only found
// endpoints are reported, so a chain is required.
func checkEndpoint(r wire.Result) (store.DiscoveredEndpoint, error) {
	var ep store.DiscoveredEndpoint
	if len(r.Chain) == 0 {
		return ep, errors.New("a discovery result needs a chain")
	}
	addr, err := target.NormalizeHost(strings.TrimSpace(r.Address))
	if err != nil {
		return ep, fmt.Errorf("address: %w", err)
	}
	if r.Port < 1 || r.Port > 65535 {
		return ep, fmt.Errorf("port %d: must be between 1 and 65535", r.Port)
	}
	if !probe.Supported(r.Protocol) {
		return ep, fmt.Errorf("protocol %q: not supported", safetext.Fit(r.Protocol, maxQuotedLen))
	}
	sni := ""
	if r.SNI != "" {
		if sni, err = target.NormalizeHost(r.SNI); err != nil {
			return ep, fmt.Errorf("sni: %w", err)
		}
	}
	return store.DiscoveredEndpoint{Address: addr, Port: r.Port, Protocol: r.Protocol, SNI: sni}, nil
}

// suggestNames picks the names a customer could monitor an IP endpoint by;
// wildcards name no host and are left out.
func suggestNames(names []string) []string {
	out := []string{}
	for _, n := range names {
		if strings.HasPrefix(n, "*.") {
			continue
		}
		if out = append(out, n); len(out) == maxSuggestedNames {
			break
		}
	}
	return out
}

func jobsByID(js []store.DiscoveryJob) map[string]store.DiscoveryJob {
	m := make(map[string]store.DiscoveryJob, len(js))
	for _, j := range js {
		m[j.ID] = j
	}
	return m
}

// autoAdopt applies the auto-adopt rule of the agent's jobs after a batch
// is stored. A failure is logged, not returned: the batch itself is safe,
// and the next batch of the job retries the adoption.
func (in *Ingester) autoAdopt(ctx context.Context, orgID string, jobs []store.DiscoveryJob) {
	var ids []string
	for _, j := range jobs {
		if j.AutoAdopt {
			ids = append(ids, j.ID)
		}
	}
	adopted, err := in.store.AutoAdopt(ctx, orgID, ids)
	if err != nil {
		in.log.Error("auto-adopt discovered endpoints", "org", orgID, "error", err)
		return
	}
	if len(adopted) > 0 {
		in.log.Info("auto-adopted discovered endpoints", "org", orgID, "domains", len(adopted))
	}
}
