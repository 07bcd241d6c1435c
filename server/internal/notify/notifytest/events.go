package notifytest

import (
	"strings"

	"certinel.dev/server/internal/notify"
)

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
