package e2e_test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// The endpoints the agent is sent to: real sockets on loopback, so the agent
// binary dials, upgrades and handshakes exactly as it would in a customer's
// network.

// serveTLS accepts direct TLS on addr ("127.0.0.1:0", "[::1]:0") until the
// test ends, and returns the address it listens on.
func serveTLS(t *testing.T, addr string, cert tls.Certificate) string {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return serve(t, addr, func(conn net.Conn) {
		handshake(tls.Server(conn, cfg))
	})
}

// serveSMTP speaks the SMTP side of RFC 3207 (greeting, EHLO advertising
// STARTTLS, STARTTLS, go-ahead) and then the TLS handshake on the same
// connection.
func serveSMTP(t *testing.T, addr string, cert tls.Certificate) string {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return serve(t, addr, func(conn net.Conn) {
		r := bufio.NewReader(conn)
		say := func(s string) bool { _, err := fmt.Fprint(conn, s); return err == nil }
		if !say("220 mx.e2e.certinel.test ESMTP ready\r\n") {
			return
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(line)), " ")
			switch verb {
			case "EHLO":
				if !say("250-mx.e2e.certinel.test greets you\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n") {
					return
				}
			case "STARTTLS":
				if say("220 2.0.0 Ready to start TLS\r\n") {
					handshake(tls.Server(conn, cfg))
				}
				return
			case "QUIT":
				say("221 2.0.0 Bye\r\n")
				return
			default:
				if !say("502 5.5.2 Command not recognized\r\n") {
					return
				}
			}
		}
	})
}

// closedPort returns a loopback address where nothing listens: the port was
// just handed out by the kernel and released, so a connection is refused.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serve runs handle for every connection on a new listener; the listener
// closes and in-flight connections finish when the test ends.
func serve(t *testing.T, addr string, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen on %s (the end-to-end test needs loopback, IPv6 included): %v", addr, err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer conn.Close()
				// A stuck client must not hold the test's cleanup.
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				handle(conn)
			})
		}
	})
	return ln.Addr().String()
}

// handshake completes TLS and hangs up: the agent never sends application data.
func handshake(conn *tls.Conn) {
	_ = conn.Handshake()
	conn.Close()
}
