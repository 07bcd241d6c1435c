package httpapi

import (
	"context"
	"net/netip"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/store"
)

// backendJSON is one address behind a domain's name with its latest check:
// status "ok" when it served a certificate, "unreachable" when the check
// failed (error_kind and error say why); stale_certificate when it serves
// an older certificate than another backend does (a renewal it never took
// up).
type backendJSON struct {
	Address          string     `json:"address"`
	Family           string     `json:"family"` // "ipv4" or "ipv6"
	Status           string     `json:"status"`
	SHA256           string     `json:"sha256"`
	NotBefore        *time.Time `json:"not_before"`
	NotAfter         *time.Time `json:"not_after"`
	DaysLeft         *int       `json:"days_left"`
	ErrorKind        string     `json:"error_kind"`
	Error            string     `json:"error"`
	ObservedAt       time.Time  `json:"observed_at"`
	StaleCertificate bool       `json:"stale_certificate"`
}

// backends lists the domain's backends, in address order.
func (h *handler) backends(ctx context.Context, orgID, domainID string, now time.Time) ([]backendJSON, error) {
	// Rows of addresses gone from the name are deleted at ingest, so every
	// row kept is one of the name's backends.
	rows, err := h.store.DomainBackends(ctx, orgID, []string{domainID}, time.Time{})
	if err != nil {
		return nil, err
	}
	stale := monitor.StaleBackends(rows[domainID])
	return mapItems(rows[domainID], func(b store.DomainBackend) backendJSON {
		out := backendJSON{Address: b.Address, Family: "ipv4", Status: string(lifecycle.StatusUnreachable), SHA256: b.LeafSHA256,
			NotBefore: b.NotBefore, NotAfter: b.NotAfter, ErrorKind: b.ErrorKind, Error: b.Error, ObservedAt: b.ObservedAt,
			StaleCertificate: stale[b.Address]}
		if a, err := netip.ParseAddr(b.Address); err == nil && a.Is6() {
			out.Family = "ipv6"
		}
		if b.LeafSHA256 != "" {
			out.Status = string(lifecycle.StatusOK)
		}
		if b.NotAfter != nil {
			days := lifecycle.DaysLeft(*b.NotAfter, now)
			out.DaysLeft = &days
		}
		return out
	}), nil
}
