// Package probe connects to a TLS endpoint, performs the protocol's upgrade to TLS if it
// has one, and captures the certificate chain exactly as the server presents it. It sends
// no application data and judges nothing: parsing and validation belong to the server.
package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// DefaultTimeout bounds a probe whose Request.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Request says where and how to probe.
type Request struct {
	Host     string                                                               // DNS name or IP literal (no brackets)
	Port     int                                                                  // 0: DefaultPort(Protocol)
	Protocol string                                                               // one of Protocols()
	SNI      string                                                               // server name to send; empty: Host when Host is a DNS name, no SNI for IP literals
	Timeout  time.Duration                                                        // deadline for the whole probe (dial + upgrade + handshake); 0 means 10s
	Dial     func(ctx context.Context, network, address string) (net.Conn, error) // nil: a net.Dialer
}

// Result holds what was seen. Chain is set whenever the server presented certificates,
// even if the handshake failed afterwards (then HandshakeError says why).
type Result struct {
	Address        string        // "ip:port" actually connected to (conn.RemoteAddr)
	TLSVersion     string        // tls.VersionName, e.g. "TLS 1.2"; empty if the handshake did not complete
	CipherSuite    string        // tls.CipherSuiteName; empty if not completed
	KeyExchange    string        // tls.CurveID's name, e.g. "X25519MLKEM768", or "RSA"; empty if the handshake did not complete
	Chain          [][]byte      // DER, leaf first, exactly as presented
	Duration       time.Duration // from the start of the probe to its end
	HandshakeError string        // set when the chain was captured but the handshake failed afterwards
	// OCSPStaple is the OCSP response (DER) the server stapled, kept like Chain when the
	// handshake failed afterwards; StapleDropped is the size of a staple over
	// wire.MaxOCSPStaple, dropped to bound the memory a probe holds.
	OCSPStaple    []byte
	StapleDropped int
}

// dialer is the zero net.Dialer: stateless, so one value serves every probe.
var dialer net.Dialer

// Probe connects to req's target, upgrades to TLS as its protocol requires, handshakes and
// closes. The error is an *Error (see KindOf); it is nil whenever a chain was captured.
func Probe(ctx context.Context, req Request) (Result, error) {
	start := time.Now()
	var res Result
	err := probe(ctx, req, &res)
	res.Duration = time.Since(start)
	return res, err
}

func probe(ctx context.Context, req Request, res *Result) error {
	d, ok := dialects[req.Protocol]
	if !ok {
		return &Error{Kind: KindProtocol, Err: fmt.Errorf("unsupported protocol %q", req.Protocol)}
	}
	port := req.Port
	if port == 0 {
		port = d.port
	}
	if req.Host == "" || port < 1 || port > 65535 {
		return &Error{Kind: KindProtocol, Err: fmt.Errorf("invalid target %q port %d", req.Host, req.Port)}
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name := serverName(req)
	t := target{req: req, dialect: d, address: net.JoinHostPort(req.Host, strconv.Itoa(port)), domain: domainOf(req.Host, name)}
	err := t.attempt(ctx, res, func(conn net.Conn) error { return handshake(ctx, conn, name, res) })
	if !refusedHello(err) {
		return err
	}
	// The server speaks TLS but refused everything crypto/tls offered: read its chain with
	// the legacy hello on a new connection, and keep the first error if that fails too.
	if t.attempt(ctx, res, func(conn net.Conn) error { return grabCertificates(conn, name, res) }) != nil {
		return err
	}
	return nil
}

// target is where a probe connects, and the dialogue that leads to TLS there.
type target struct {
	req     Request
	dialect dialect
	address string
	domain  string
}

// attempt connects, speaks the protocol's upgrade, and runs tlsStep on the connection.
func (t target) attempt(ctx context.Context, res *Result, tlsStep func(net.Conn) error) error {
	dial := t.req.Dial
	if dial == nil {
		dial = dialer.DialContext
	}
	conn, err := dial(ctx, "tcp", t.address)
	if err != nil {
		return newError(ctx, KindRefused, err)
	}
	// Closing the TCP connection, not the tls.Conn, sends nothing after the handshake (not
	// even close_notify) and cannot block on a peer that stopped reading.
	defer conn.Close()
	res.Address = conn.RemoteAddr().String()

	// One deadline covers the dialogue and the handshake; cancelling ctx moves it to the
	// past, which unblocks any read or write at once without a goroutine per probe.
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return newError(ctx, KindRefused, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if err := t.dialect.upgrade(conn, t.domain); err != nil {
		return newError(ctx, KindProtocol, fmt.Errorf("%s: %w", t.req.Protocol, err))
	}
	return tlsStep(conn)
}

// refusedHello reports whether err is the server's TLS alert in answer to the hello, the
// sign of a server that wants a suite or group crypto/tls does not have.
func refusedHello(err error) bool {
	var opErr *net.OpError
	return KindOf(err) == KindTLSHandshake && errors.As(err, &opErr) && opErr.Op == "remote error"
}

// handshake runs the TLS handshake on conn and records its outcome in res.
func handshake(ctx context.Context, conn net.Conn, serverName string, res *Result) error {
	var c capture
	tc := tls.Client(conn, clientConfig(serverName, &c))
	err := tc.Handshake()
	res.Chain, res.OCSPStaple, res.StapleDropped = c.chain, c.staple, c.dropped
	if err != nil {
		if c.chain != nil {
			res.HandshakeError = err.Error()
			return nil
		}
		return newError(ctx, KindTLSHandshake, fmt.Errorf("tls handshake: %w", err))
	}
	st := tc.ConnectionState()
	res.TLSVersion = tls.VersionName(st.Version)
	res.CipherSuite = tls.CipherSuiteName(st.CipherSuite)
	res.KeyExchange = keyExchangeName(st.CurveID, st.Version)
	return nil
}

// serverName is the SNI to send. TLS forbids IP literals in SNI (RFC 6066 section 3), so
// none is sent for them unless the caller asks for a name.
func serverName(req Request) string {
	if req.SNI != "" {
		return req.SNI
	}
	if _, err := netip.ParseAddr(req.Host); err == nil {
		return ""
	}
	return req.Host
}

// domainOf is the name an upgrade dialogue addresses (the XMPP stream's "to").
func domainOf(host, serverName string) string {
	if serverName != "" {
		return serverName
	}
	return host
}
