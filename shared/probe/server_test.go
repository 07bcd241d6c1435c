package probe

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// script plays the server's side of a clear-text dialogue on one connection. It reports
// whether to go on to the TLS handshake; r buffers c and is safe to drop afterwards
// because the client sends its ClientHello only after the server's go-ahead.
type script func(t *testing.T, c net.Conn, r *bufio.Reader) bool

// testServer accepts connections on a loopback address, plays a script on each, then
// handshakes with cfg (if any). Cleanup closes everything and waits for the handlers.
type testServer struct {
	host string
	port int
	addr string
}

func serve(t *testing.T, address string, s script, cfg *tls.Config) testServer {
	t.Helper()
	ln, err := net.Listen("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				if s != nil && !s(t, c, bufio.NewReader(c)) {
					return
				}
				if cfg != nil {
					tls.Server(c, cfg).Handshake() // failures are what some tests are about
				}
			})
		}
	})
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	n, _ := strconv.Atoi(port)
	return testServer{host: host, port: n, addr: ln.Addr().String()}
}

// serveTLS serves cert with the defaults of crypto/tls, changed by opts.
func serveTLS(t *testing.T, cert tls.Certificate, s script, opts ...func(*tls.Config)) testServer {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, o := range opts {
		o(cfg)
	}
	return serve(t, "127.0.0.1:0", s, cfg)
}

// say writes lines to the client, CRLF-terminated.
func say(c net.Conn, lines ...string) bool {
	_, err := c.Write([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	return err == nil
}

// hear reads a line from the client and checks it.
func hear(t *testing.T, r *bufio.Reader, want string) bool {
	line, err := r.ReadString('\n')
	if err != nil {
		t.Errorf("server: waiting for %q: %v", want, err)
		return false
	}
	if got := strings.TrimRight(line, "\r\n"); got != want {
		t.Errorf("server: got %q, want %q", got, want)
		return false
	}
	return true
}

// silent accepts and never speaks: it reads until the client hangs up.
func silent(_ *testing.T, _ net.Conn, r *bufio.Reader) bool {
	io.Copy(io.Discard, r)
	return false
}

// flood sends chunk to the client until it hangs up.
func flood(chunk string) script {
	return func(_ *testing.T, c net.Conn, _ *bufio.Reader) bool {
		b := []byte(strings.Repeat(chunk, 1024))
		for {
			if _, err := c.Write(b); err != nil {
				return false
			}
		}
	}
}
