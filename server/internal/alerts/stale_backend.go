package alerts

import (
	"maps"
	"slices"
	"strings"
	"time"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/monitor"
	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/store"
)

// staleBackend: a backend of the domain's name still serves an older
// certificate than another backend does (monitor.StaleBackends), after a
// renewal a cache or a process never took up. It is one event per domain,
// open while any backend is flagged: it resolves once the backend serves
// the new certificate or leaves the name's records. The event names the
// flagged addresses and is about the older certificate (its fingerprint
// and expiry): when it expires, the backend breaks for its clients.
func staleBackend(rows []store.DomainBackend, now time.Time,
	add func(typ, key, detail string, ev func(*notify.Event)) *condition) {
	flagged := monitor.StaleBackends(rows)
	if len(flagged) == 0 {
		return
	}
	var oldest store.DomainBackend
	for _, b := range rows {
		if flagged[b.Address] && b.NotAfter != nil && (oldest.NotAfter == nil || b.NotAfter.Before(*oldest.NotAfter)) {
			oldest = b
		}
	}
	addrs := slices.Sorted(maps.Keys(flagged))
	detail := "Backend " + addrs[0] + " still serves an older certificate than another backend"
	if len(addrs) > 1 {
		detail = "Backends " + strings.Join(addrs, ", ") + " still serve an older certificate than another backend"
	}
	if oldest.NotAfter != nil {
		detail += ", expiring on " + oldest.NotAfter.UTC().Format(time.RFC1123)
	}
	detail += ": reload the service or clear its cache."
	add(notify.TypeStaleBackend, "", detail, func(e *notify.Event) {
		e.SHA256 = oldest.LeafSHA256
		if oldest.NotAfter != nil {
			left := lifecycle.DaysLeft(*oldest.NotAfter, now)
			e.NotAfter, e.DaysLeft = oldest.NotAfter, &left
		}
	})
}
