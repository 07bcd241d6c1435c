package notifytest

import (
	"strings"
	"time"

	"certinel.dev/server/internal/notify"
)

// Resolved is the notice that the problem of Expiring is gone.
func Resolved() notify.Event {
	e := Expiring()
	return notify.Event{
		ID:           "evt_01HQ7Z3K8M4N5P6Q7R8S9T0V2X",
		Type:         notify.TypeResolved,
		Resolves:     notify.TypeExpiring,
		Organization: e.Organization,
		Domain:       e.Domain,
		Agent:        e.Agent,
		Detail:       "Resolved: expiring.",
		OccurredAt:   e.OccurredAt.Add(36 * time.Hour),
	}
}

// HostileDetail is text a peer controls (a TLS error, a certificate field) written to
// break a renderer: a NUL, markup, markdown, mentions, and far more than any service
// shows.
var HostileDetail = "bad\x00byte <script>alert(1)</script> & <b>bold</b> *star* _under_ `tick` [link](https://evil.example) " +
	"<!channel> @everyone @here <@123> <users/all> \n# heading\n" + strings.Repeat("long detail ", 1000)

// Hostile is Expiring with HostileDetail and a host name in markup.
func Hostile() notify.Event {
	e := Expiring()
	d := *e.Domain
	d.Host = "<b>evil</b>.example"
	e.Domain = &d
	e.Detail = HostileDetail
	return e
}
