package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/textproto"
	"os"
	"strings"
	"syscall"

	"github.com/wneessen/go-mail"

	"certinel.dev/server/internal/netguard"
)

// Explain says in one sentence why a send through a relay failed, for the owner who
// set it: the cause first (refused, TLS, credentials...), then the relay's own words.
func Explain(err error) string {
	var (
		proto     *textproto.Error
		send      *mail.SendError
		dns       *net.DNSError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		alert     tls.AlertError
		record    tls.RecordHeaderError
	)
	cause := ""
	switch {
	case errors.Is(err, netguard.ErrForbiddenAddress):
		cause = "The relay's address is on a private or reserved network, which this server does not connect to on an organization's behalf; " +
			"its operator allows it with CERTINEL_ALLOW_PRIVATE_TARGETS, or sets the server's own relay (CERTINEL_SMTP_*)."
	case errors.As(err, &dns):
		cause = "The relay's host name does not resolve."
	case errors.Is(err, syscall.ECONNREFUSED):
		cause = "The relay refused the connection: nothing listens on that host and port."
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		cause = "The relay did not answer in time."
	case errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid):
		cause = "TLS failed: the relay's certificate is not trusted for this host name."
	case errors.As(err, &alert) || errors.As(err, &record) || strings.Contains(err.Error(), "STARTTLS"):
		cause = "TLS failed: check the TLS mode and the port (implicit TLS is usually 465, STARTTLS 587)."
	case strings.Contains(err.Error(), "does not support SMTP AUTH"):
		cause = "The relay offers no authentication on this connection: leave the username empty, or use a TLS mode if it offers AUTH only over TLS."
	case strings.Contains(err.Error(), "SMTP AUTH failed"):
		cause = "The relay refused the username or password."
	case errors.As(err, &send) && send.Reason == mail.ErrSMTPMailFrom:
		cause = "The relay refused the from address."
	case errors.As(err, &send) && send.Reason == mail.ErrSMTPRcptTo:
		cause = "The relay refused the recipient."
	case errors.As(err, &send) && (send.Reason == mail.ErrSMTPData || send.Reason == mail.ErrSMTPDataClose):
		cause = "The relay refused the message."
	case errors.As(err, &proto):
		cause = "The relay answered with an error."
	default:
		cause = "Sending failed."
	}
	return cause + " (" + err.Error() + ")"
}
