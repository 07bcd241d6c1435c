package scalebench

import (
	"context"
	"fmt"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
)

// credentials are what the harness needs to act for one organization.
type credentials struct {
	orgID string
	// read is an API token of scope read, for the measured queries.
	read string
	// agentKey (scope agent) and agents (one token per agent) push results.
	agentKey string
	agents   []string
	agentIDs []string
}

// ownerPassword is every seeded owner's password, for the dashboard run.
const ownerPassword = "scale-bench-password"

// ownerEmail is the login of organization o's owner.
func ownerEmail(o int) string { return fmt.Sprintf("owner@o%05d.scale.example", o) }

// seedChunk is how many domains one CreateDomains call stores.
const seedChunk = 5000

// seed writes the fleet's organizations, tokens, agents, CA bundles and
// domains through the store, the same calls (and so the same rows, audit
// entries included) the API handlers make for signup, token and agent
// creation and CSV import; the API itself would spend minutes in argon2
// and in one request per 10,000-line CSV. Organizations are seeded by
// workers in parallel.
func seed(ctx context.Context, st *store.Store, f *fleet, agentsPerOrg, workers int) ([]credentials, error) {
	hash, err := auth.HashPassword(ownerPassword)
	if err != nil {
		return nil, fmt.Errorf("scalebench: password hash: %w", err)
	}
	byOrg := make([][]int, f.orgs)
	for i, e := range f.endpoints {
		byOrg[e.org] = append(byOrg[e.org], i)
	}
	creds := make([]credentials, f.orgs)
	p := pool.New().WithContext(ctx).WithMaxGoroutines(workers).WithCancelOnError().WithFirstError()
	for o := range f.orgs {
		p.Go(func(ctx context.Context) error {
			var err error
			creds[o], err = seedOrg(ctx, st, f, o, byOrg[o], hash, agentsPerOrg)
			return err
		})
	}
	return creds, p.Wait()
}

func seedOrg(ctx context.Context, st *store.Store, f *fleet, o int, endpoints []int, hash string, agentsPerOrg int) (credentials, error) {
	owner, org, err := st.CreateAccount(ctx, ownerEmail(o), hash, fmt.Sprintf("Scale Org %05d", o))
	if err != nil {
		return credentials{}, fmt.Errorf("scalebench: seed organization %d: %w", o, err)
	}
	c := credentials{orgID: org.ID}
	bundle := store.CABundle{Name: "Scale Bench roots", PEM: f.pki.bundlePEM(), Certificates: len(f.pki.roots)}
	if _, err := st.CreateCABundle(ctx, org.ID, bundle); err != nil {
		return c, fmt.Errorf("scalebench: seed organization %d: %w", o, err)
	}
	if c.read, err = createToken(ctx, st, org.ID, owner.ID, store.ScopeRead); err != nil {
		return c, err
	}
	if c.agentKey, err = createToken(ctx, st, org.ID, owner.ID, store.ScopeAgent); err != nil {
		return c, err
	}
	agentIDs := make([]string, agentsPerOrg)
	for a := range agentsPerOrg {
		secret, hash, display, err := auth.NewToken(auth.PrefixAgentToken)
		if err != nil {
			return c, fmt.Errorf("scalebench: agent token: %w", err)
		}
		agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: fmt.Sprintf("agent-%02d", a), Prefix: display, TokenHash: hash})
		if err != nil {
			return c, fmt.Errorf("scalebench: seed organization %d: %w", o, err)
		}
		agentIDs[a] = agent.ID
		c.agents = append(c.agents, secret)
	}
	c.agentIDs = agentIDs
	for start := 0; start < len(endpoints); start += seedChunk {
		chunk := endpoints[start:min(start+seedChunk, len(endpoints))]
		ds := make([]store.Domain, len(chunk))
		for k, i := range chunk {
			e := f.endpoints[i]
			ds[k] = store.Domain{Host: e.host, Port: e.port, Protocol: "tls", AgentID: &agentIDs[e.agent], Tags: []string{tagOf(i)}}
		}
		ds, err := st.CreateDomains(ctx, org.ID, ds)
		if err != nil {
			return c, fmt.Errorf("scalebench: seed organization %d: %w", o, err)
		}
		for k, i := range chunk {
			f.endpoints[i].domainID = ds[k].ID
		}
	}
	return c, nil
}

// tagOf spreads endpoints over environments; one in four is staging.
func tagOf(i int) string {
	if i%4 == 0 {
		return "staging"
	}
	return "production"
}

// createToken makes an API token of the owner, as the owner would.
func createToken(ctx context.Context, st *store.Store, orgID, ownerID, scope string) (string, error) {
	secret, hash, display, err := auth.NewToken(auth.PrefixAPIToken)
	if err != nil {
		return "", fmt.Errorf("scalebench: api token: %w", err)
	}
	t := store.APIToken{Name: "scale-bench " + scope, Scope: scope, Prefix: display, TokenHash: hash, CreatedBy: &ownerID}
	if _, err := st.CreateAPIToken(ctx, orgID, t); err != nil {
		return "", fmt.Errorf("scalebench: seed %s token: %w", scope, err)
	}
	return secret, nil
}
