package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// ErrorKind says at which step a probe failed, in words fit for a result's error field.
type ErrorKind string

const (
	KindDNS          ErrorKind = "dns"           // the host name did not resolve
	KindRefused      ErrorKind = "refused"       // no TCP connection: refused, unreachable, or denied by Request.Dial
	KindTimeout      ErrorKind = "timeout"       // the deadline passed (or the caller cancelled)
	KindTLSHandshake ErrorKind = "tls_handshake" // the handshake failed before any certificate was seen
	KindProtocol     ErrorKind = "protocol"      // the pre-TLS dialogue failed, or the request was invalid
)

// Error is what Probe returns: the kind of failure and its cause.
type Error struct {
	Kind ErrorKind
	Err  error
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err: "" for nil, the Kind of an *Error in its chain, and for
// other errors a guess from their type, KindProtocol when nothing is recognised.
func KindOf(err error) ErrorKind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return classify(err, KindProtocol)
}

// newError classifies err, which happened at a step whose failures are of kind fallback
// unless err says otherwise (a timeout in the middle of a dialogue is still a timeout).
func newError(ctx context.Context, fallback ErrorKind, err error) *Error {
	// Cancellation reaches the connection as an expired deadline; say what really happened.
	if ctxErr := ctx.Err(); errors.Is(ctxErr, context.Canceled) {
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return &Error{Kind: classify(err, fallback), Err: err}
}

func classify(err error, fallback ErrorKind) ErrorKind {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		opErr   *net.OpError
		record  tls.RecordHeaderError
		alert   tls.AlertError
		verify  *tls.CertificateVerificationError
		refused = errors.Is(err, syscall.ECONNREFUSED) ||
			errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
	)
	switch {
	case errors.As(err, &dnsErr): // first: a lookup that timed out is still a DNS failure
		return KindDNS
	case refused:
		return KindRefused
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	// crypto/tls reports the peer's alerts as a *net.OpError with Op "remote error".
	case errors.As(err, &opErr) && opErr.Op == "remote error",
		errors.As(err, &record), errors.As(err, &alert), errors.As(err, &verify):
		return KindTLSHandshake
	}
	return fallback
}
