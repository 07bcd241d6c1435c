package runner

import (
	"context"

	"github.com/sourcegraph/conc/pool"

	"certinel.dev/agent/internal/revocation"
	"certinel.dev/shared/wire"
)

// revocationConcurrency bounds the CRL and OCSP fetches in flight: they
// go to a handful of CA servers, which should not see a burst.
const revocationConcurrency = 4

// fetchRevocations fetches the CRLs and OCSP answers the server asked for
// and pushes each back as it comes: the OCSP answers first, then the CRLs,
// since the server keeps a responder's answer over a CRL's for the same
// certificate and a CRL pushed while an answer is being recorded could
// otherwise overwrite it. Failures are logged, not spooled: the server
// asks again at the next pull for what it did not get.
func (r *Runner) fetchRevocations(ctx context.Context, fetches []wire.RevocationFetch) {
	var ocsp, crls []wire.RevocationFetch
	for _, f := range fetches {
		if f.Kind == wire.RevocationKindOCSP {
			ocsp = append(ocsp, f)
		} else {
			crls = append(crls, f)
		}
	}
	r.fetchAndPush(ctx, ocsp)
	r.fetchAndPush(ctx, crls)
}

// fetchAndPush fetches and pushes fetches, a few at a time.
func (r *Runner) fetchAndPush(ctx context.Context, fetches []wire.RevocationFetch) {
	if len(fetches) == 0 {
		return
	}
	p := pool.New().WithMaxGoroutines(revocationConcurrency)
	for _, f := range fetches {
		p.Go(func() {
			push := revocation.Fetch(ctx, r.revocationHTTP, f)
			if push.Error != "" {
				r.opts.Logger.Warn("revocation fetch failed", "kind", f.Kind, "url", f.URL, "error", push.Error)
			}
			if _, err := r.opts.Client.PushRevocation(ctx, push); err != nil {
				r.opts.Logger.Warn("could not push a revocation fetch", "kind", f.Kind, "url", f.URL, "error", err)
			}
		})
	}
	p.Wait()
}
