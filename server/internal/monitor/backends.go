package monitor

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"net/netip"
	"slices"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// backendCycles is how many check intervals a backend may go unseen before
// it leaves its domain's list: its address is gone from the name's records.
const backendCycles = 3

// uptakeWindow is how much later than a backend's last check another
// backend's check may be and still show that the two served at the same
// time. An agent probes every address of a name in one go, so their
// checks are minutes apart at most; a check made later than this is of a
// name that has moved on (a new address with a renewed certificate), not
// of a backend that missed the renewal.
const uptakeWindow = 30 * time.Minute

// Backends of a load-balanced name. The agent probes every address a
// domain's name resolves to, one result each; each result is kept as that
// address's latest check (store.DomainBackend). The domain's own state
// follows the newest leaf any reachable backend serves: a dead backend
// does not make the name unreachable, a backend that missed a renewal
// does not hide it, and only when every backend fails is the name down.

// newestServed returns the backend among rows, other than the one at
// except and checked no later than until (zero: any time), serving the
// leaf issued last; ok is false when none serves one.
func newestServed(rows map[string]store.DomainBackend, except string, until time.Time) (newest store.DomainBackend, ok bool) {
	for addr, b := range rows {
		if addr == except || b.LeafSHA256 == "" || b.NotBefore == nil || (!until.IsZero() && b.ObservedAt.After(until)) {
			continue
		}
		if !ok || b.NotBefore.After(*newest.NotBefore) {
			newest, ok = b, true
		}
	}
	return newest, ok
}

// servesOlder reports whether b serves a leaf other than, and issued
// before, the newest another of rows served by the time of b's check: a
// renewal b never took up (a cache, or a process that never reloaded).
func servesOlder(b store.DomainBackend, rows map[string]store.DomainBackend) bool {
	newest, ok := newestServed(rows, b.Address, b.ObservedAt.Add(uptakeWindow))
	return ok && b.LeafSHA256 != "" && b.NotBefore != nil && b.LeafSHA256 != newest.LeafSHA256 &&
		b.NotBefore.Before(*newest.NotBefore)
}

// speaksForName reports whether b's check is the domain's own: it serves
// the newest leaf of the name's backends, or it failed and no other
// backend serves one.
func speaksForName(b store.DomainBackend, rows map[string]store.DomainBackend) bool {
	if b.LeafSHA256 == "" {
		_, other := newestServed(rows, b.Address, time.Time{})
		return !other
	}
	return !servesOlder(b, rows)
}

// sameCycle keeps the backends checked since the start of a check's cycle.
func sameCycle(rows map[string]store.DomainBackend, since time.Time) map[string]store.DomainBackend {
	out := make(map[string]store.DomainBackend, len(rows))
	for addr, b := range rows {
		if !b.ObservedAt.Before(since) {
			out[addr] = b
		}
	}
	return out
}

// StaleBackends returns the addresses of backends serving an older
// certificate than another backend of the same name does.
func StaleBackends(rows []store.DomainBackend) map[string]bool {
	byAddr := make(map[string]store.DomainBackend, len(rows))
	for _, b := range rows {
		byAddr[b.Address] = b
	}
	out := map[string]bool{}
	for _, b := range rows {
		if servesOlder(b, byAddr) {
			out[b.Address] = true
		}
	}
	return out
}

// backendOf is the backend a result checked: the IP of the address it
// connected to (or tried), as one spelling; ok is false for a result
// without one (a name that did not resolve is the name's failure).
func backendOf(address string) (string, bool) {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return "", false
	}
	return ap.Addr().Unmap().String(), true
}

// sortBackends records the batch's checks as backend checks and keeps as
// domain observations only those that speak for their name; the others
// are stored as their backend's alone (rs.BackendOnly counts them).
func (in *Ingester) sortBackends(ctx context.Context, j *judge, src Source, results []wire.Result, rs *store.ResultSet) error {
	var ids []string
	for _, o := range rs.Observations {
		if _, ok := backendOf(o.Address); ok && o.DomainID != nil {
			ids = append(ids, *o.DomainID)
		}
	}
	for _, r := range src.Repeats {
		if _, ok := backendOf(r.Address); ok {
			ids = append(ids, r.DomainID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ttl := src.BackendTTL
	if ttl <= 0 {
		ttl = backendCycles * store.DefaultAgentInterval
	}
	since := in.store.Now().Add(-ttl)
	// Every row held, those the batch deletes included: the flags before
	// the batch are those the domain page and the alerts saw.
	held, err := in.store.DomainBackends(ctx, src.OrgID, ids, time.Time{})
	if err != nil {
		return err
	}
	rows := make(map[string]map[string]store.DomainBackend, len(held))
	for _, id := range ids {
		if rows[id] == nil {
			rows[id] = make(map[string]store.DomainBackend, len(held[id])+1)
			for _, b := range held[id] {
				if !b.ObservedAt.Before(since) {
					rows[id][b.Address] = b
				}
			}
		}
	}

	type check struct {
		row store.DomainBackend
		obs int // index in rs.Observations; -1 for a repeat
	}
	var checks []check
	for i, o := range rs.Observations {
		if addr, ok := backendOf(o.Address); ok && o.DomainID != nil {
			checks = append(checks, check{row: backendRow(j, *o.DomainID, addr, o, results[o.Index]), obs: i})
		}
	}
	for i, r := range src.Repeats {
		if addr, ok := backendOf(r.Address); ok {
			checks = append(checks, check{row: repeatRow(j, r, addr, results[i], rows[r.DomainID][addr]), obs: -1})
		}
	}
	for _, c := range checks {
		byAddr := rows[c.row.DomainID]
		prev, known := byAddr[c.row.Address]
		if (!known && len(byAddr) >= store.MaxBackendsKept) || (known && prev.ObservedAt.After(c.row.ObservedAt)) {
			continue
		}
		byAddr[c.row.Address] = c.row
		rs.Backends.Rows = append(rs.Backends.Rows, c.row)
	}
	rs.Backends.DomainIDs, rs.Backends.Since = ids, since
	rs.Backends.Flagged = flagsMoved(held, rows)

	// Decided against every backend's latest check of the same cycle, the
	// batch's included, so results of one name in any order come to the
	// same state, and a backend gone from DNS stops speaking for the name
	// at the next cycle. Only a result that says its name had several
	// addresses may leave the name's state to another backend: agents from
	// before backends, the server's own checks and single-address names
	// check one address at a time, and each such check is the name's.
	cycle := ttl / backendCycles / 2
	drop := make(map[int]bool)
	for _, c := range checks {
		if c.obs < 0 || results[rs.Observations[c.obs].Index].Backends <= 1 {
			continue
		}
		if !speaksForName(c.row, sameCycle(rows[c.row.DomainID], c.row.ObservedAt.Add(-cycle))) {
			drop[c.obs] = true
		}
	}
	if len(drop) == 0 {
		return nil
	}
	kept := rs.Observations[:0]
	for i, o := range rs.Observations {
		if !drop[i] {
			kept = append(kept, o)
		}
	}
	rs.Observations, rs.BackendOnly = kept, len(drop)
	return nil
}

// flagsMoved lists the domains whose flagged backends differ between the
// rows held before the batch and those after it: their failed-uptake
// alert may open or resolve while the domain's own state stays.
func flagsMoved(before map[string][]store.DomainBackend, after map[string]map[string]store.DomainBackend) []string {
	var out []string
	for id, byAddr := range after {
		if !maps.Equal(StaleBackends(before[id]), StaleBackends(slices.Collect(maps.Values(byAddr)))) {
			out = append(out, id)
		}
	}
	return out
}

// backendRow is a judged result's check of its backend.
func backendRow(j *judge, domainID, addr string, o store.Observation, r wire.Result) store.DomainBackend {
	b := store.DomainBackend{DomainID: domainID, Address: addr, ObservedAt: o.ObservedAt}
	if o.LeafSHA256 == "" {
		b.ErrorKind, b.Error = o.ErrorKind, o.Error
		return b
	}
	b.LeafSHA256 = o.LeafSHA256
	if c, err := j.cache.peek(r.Chain[0]); err == nil {
		b.NotBefore, b.NotAfter = &c.row.NotBefore, &c.row.NotAfter
	}
	return b
}

// repeatRow is a repeat's check of its backend. A repeat is not judged:
// its leaf's validity comes from the backend's last check when that saw
// the same leaf, else from parsing it (through the batch's cache).
func repeatRow(j *judge, r store.Repeat, addr string, res wire.Result, last store.DomainBackend) store.DomainBackend {
	b := store.DomainBackend{DomainID: r.DomainID, Address: addr, ObservedAt: r.ObservedAt}
	der, err := base64.StdEncoding.DecodeString(res.Chain[0])
	if err == nil && last.LeafSHA256 != "" {
		sum := sha256.Sum256(der)
		if hex.EncodeToString(sum[:]) == last.LeafSHA256 {
			b.LeafSHA256, b.NotBefore, b.NotAfter = last.LeafSHA256, last.NotBefore, last.NotAfter
			return b
		}
	}
	c, err := j.cache.peek(res.Chain[0])
	if err != nil {
		// A repeat's chain parsed when it was first judged, so this does
		// not happen; were it to, the backend is still one seen.
		b.ErrorKind, b.Error = "other", "unreadable leaf"
		return b
	}
	b.LeafSHA256, b.NotBefore, b.NotAfter = c.row.SHA256, &c.row.NotBefore, &c.row.NotAfter
	return b
}
