package revocation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"certinel.dev/server/internal/store"
)

// AgentFetchWait is how long a fetch asked of an agent waits for it: more
// than an agent's pull interval (four hours by default, with jitter), so
// that a request made just after a pull is still there at the next. The
// refresher asks again, renewing it, while the answer is missing.
const AgentFetchWait = 12 * time.Hour

// askAgent handles a check whose CRL or responder sits at an address the
// SSRF guard refused: an agent of the organization that checks a domain
// serving the certificate is on that network, so it is asked to fetch
// them, and a status without an answer waits for it. A certificate only
// the server sees stays unavailable, for its private address.
func (r *Refresher) askAgent(ctx context.Context, c store.RevocationCheck, st Status) (Status, error) {
	answered := st.State != StateUnavailable
	if c.AgentID == nil {
		if answered {
			return st, nil
		}
		st.Why = "private address: " + st.Why + " (no agent checks a domain serving this certificate to fetch it from inside its network)"
		return st, nil
	}
	name := *c.AgentID
	if c.AgentName != nil {
		name = *c.AgentName
	}
	now := r.Store.Now()
	var urls []string
	for _, f := range st.Refused {
		req := store.RevocationFetch{OrganizationID: c.OrganizationID, AgentID: *c.AgentID, Kind: string(f.Kind), URL: f.URL,
			OCSPRequest: f.Request, ExpiresAt: now.Add(AgentFetchWait)}
		if f.Kind == SourceOCSP {
			req.CertSHA256 = c.SHA256
		}
		queued, err := r.Store.RequestRevocationFetch(ctx, req)
		if err != nil {
			return st, err
		}
		if queued {
			urls = append(urls, describe("", f.URL)[1:])
		}
	}
	if answered {
		return st, nil
	}
	if len(urls) == 0 {
		st.Why = fmt.Sprintf("private address: %s (agent %s has too many fetches waiting; asked again later)", st.Why, name)
		return st, nil
	}
	return Status{State: StateWaiting, Why: fmt.Sprintf("waiting for agent %s to fetch %s", name, strings.Join(urls, " and "))}, nil
}
