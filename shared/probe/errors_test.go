package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestProbeConnectErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	tests := []struct {
		name    string
		req     Request
		kind    ErrorKind
		message string
	}{
		{"closed port", Request{Host: "127.0.0.1", Port: closedPort, Protocol: "tls"}, KindRefused, "connection refused"},
		{"unresolvable name", Request{Host: "nonexistent.invalid", Port: 443, Protocol: "tls", Dial: nxdomainDialer(t)}, KindDNS, "no such host"},
		{"dial denied", Request{Host: "10.0.0.1", Protocol: "tls", Dial: denyDial}, KindRefused, "private address denied"},
		{"unknown protocol", Request{Host: "127.0.0.1", Port: 443, Protocol: "http"}, KindProtocol, `unsupported protocol "http"`},
		{"no host", Request{Port: 443, Protocol: "tls"}, KindProtocol, "invalid target"},
		{"port out of range", Request{Host: "127.0.0.1", Port: 70000, Protocol: "tls"}, KindProtocol, "invalid target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Probe(t.Context(), tt.req)
			checkError(t, err, tt.kind, tt.message)
			if res.Address != "" {
				t.Errorf("Address = %q without a connection", res.Address)
			}
		})
	}
}

func denyDial(_ context.Context, _, address string) (net.Conn, error) {
	if address != "10.0.0.1:443" { // Port 0 means the protocol's default
		return nil, fmt.Errorf("unexpected address %q", address)
	}
	return nil, errors.New("private address denied")
}

// nxdomainDialer resolves names with a DNS server on loopback that answers NXDOMAIN to
// everything, so the test needs no network and no resolver configuration.
func nxdomainDialer(t *testing.T) func(ctx context.Context, network, address string) (net.Conn, error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := nxdomain(buf[:n]); resp != nil {
				pc.WriteTo(resp, addr)
			}
		}
	}()
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
	d := &net.Dialer{Resolver: resolver}
	return d.DialContext
}

// nxdomain answers a query with its ID and question and RCODE 3 (name error).
func nxdomain(query []byte) []byte {
	if len(query) < 12 {
		return nil
	}
	end := 12
	for end < len(query) && query[end] != 0 { // question name: labels up to the root
		end += 1 + int(query[end])
	}
	end += 1 + 4 // root label, QTYPE, QCLASS
	if end > len(query) {
		return nil
	}
	resp := append([]byte{query[0], query[1], 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0}, query[12:end]...)
	return resp
}

func TestProbeCancel(t *testing.T) {
	srv := serveTLS(t, selfSigned(t, leafSpec{}), silent)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := Probe(ctx, Request{Host: srv.host, Port: srv.port, Protocol: "smtp"})
	checkError(t, err, KindTimeout, "context canceled")
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancelled probe took %v", elapsed)
	}
}

func TestKindOf(t *testing.T) {
	opErr := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	tests := []struct {
		err  error
		want ErrorKind
	}{
		{nil, ""},
		{&Error{Kind: KindTimeout, Err: errors.New("x")}, KindTimeout},
		{fmt.Errorf("agent: %w", &Error{Kind: KindDNS, Err: errors.New("x")}), KindDNS},
		{opErr(&net.DNSError{Err: "no such host", Name: "a.invalid", IsNotFound: true}), KindDNS},
		{opErr(&net.DNSError{Err: "i/o timeout", Name: "a.example", IsTimeout: true}), KindDNS},
		{opErr(&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}), KindRefused},
		{opErr(&os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}), KindRefused},
		{opErr(os.ErrDeadlineExceeded), KindTimeout},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), KindTimeout},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, KindTLSHandshake},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: handshake failure")}, KindTLSHandshake},
		{errors.New("something else"), KindProtocol},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if got := (&Error{Kind: KindRefused, Err: errors.New("dial tcp: connection refused")}).Error(); got != "refused: dial tcp: connection refused" {
		t.Errorf("Error() = %q", got)
	}
}

func TestProtocols(t *testing.T) {
	want := []string{"ftp", "imap", "imaps", "ldap", "ldaps", "mysql", "pop3", "pop3s", "postgres", "smtp", "smtps", "tls", "xmpp"}
	got := Protocols()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Protocols() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if Protocols()[0] != "ftp" {
		t.Error("Protocols() shares its slice with callers")
	}
	ports := map[string]int{"tls": 443, "smtp": 25, "smtps": 465, "imap": 143, "imaps": 993, "pop3": 110,
		"pop3s": 995, "ldap": 389, "ldaps": 636, "ftp": 21, "xmpp": 5222, "postgres": 5432, "mysql": 3306}
	for _, p := range want {
		if !Supported(p) || DefaultPort(p) != ports[p] {
			t.Errorf("%s: Supported %v, DefaultPort %d, want true and %d", p, Supported(p), DefaultPort(p), ports[p])
		}
	}
	if Supported("http") || DefaultPort("http") != 0 {
		t.Error(`"http" is supported`)
	}
}
