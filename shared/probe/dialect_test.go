package probe

import (
	"bufio"
	"encoding/xml"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func TestProbeDialects(t *testing.T) {
	cert := newCA(t).leaf(t, leafSpec{})
	tests := []struct {
		protocol string
		script   script
	}{
		{"smtp", smtpServer("PIPELINING", "STARTTLS", "SIZE 10240000")},
		{"imap", imapServer("a001 OK Begin TLS negotiation now")},
		{"pop3", pop3Server("+OK Begin TLS negotiation")},
		{"ldap", ldapServer(0)},
		{"ftp", ftpServer("234 AUTH TLS successful")},
		{"xmpp", xmppServer("chat.test", xmppSASL+xmppStartTLS)},
		{"postgres", postgresServer('S')},
		{"mysql", mysqlServer(0xffff)},
		{"smtps", nil},
		{"imaps", nil},
		{"pop3s", nil},
		{"ldaps", nil},
	}
	for _, tt := range tests {
		t.Run(tt.protocol, func(t *testing.T) {
			t.Parallel()
			srv := serveTLS(t, cert, tt.script)
			res := probeOK(t, Request{Host: srv.host, Port: srv.port, Protocol: tt.protocol, SNI: "chat.test"})
			checkChain(t, res, cert)
			if res.TLSVersion != "TLS 1.3" || res.HandshakeError != "" {
				t.Errorf("TLSVersion %q, HandshakeError %q", res.TLSVersion, res.HandshakeError)
			}
		})
	}
}

// TestProbeFailures covers targets that do not get as far as a certificate.
func TestProbeFailures(t *testing.T) {
	cert := selfSigned(t, leafSpec{})
	tests := []struct {
		name     string
		protocol string
		script   script
		timeout  time.Duration
		kind     ErrorKind
		message  string
	}{
		{"smtp without STARTTLS", "smtp", smtpServer("PIPELINING"), 0, KindProtocol, "STARTTLS not advertised"},
		{"smtp refusing service", "smtp", say554, 0, KindProtocol, `expected greeting "220", got "554 no service here"`},
		{"imap BAD", "imap", imapServer("a001 BAD unknown command"), 0, KindProtocol, `got "a001 BAD unknown command"`},
		{"pop3 ERR", "pop3", pop3Server("-ERR not supported"), 0, KindProtocol, `got "-ERR not supported"`},
		{"ldap refused", "ldap", ldapServer(2), 0, KindProtocol, `resultCode 2, "diagnostic text"`},
		{"ftp refused", "ftp", ftpServer("502 not implemented"), 0, KindProtocol, `got "502 not implemented"`},
		{"xmpp without starttls", "xmpp", xmppServer("127.0.0.1", xmppSASL), 0, KindProtocol, "starttls not offered"},
		{"xmpp stream error", "xmpp", xmppRefusal, 0, KindProtocol, `stream error "host-unknown": "This server does not serve 127.0.0.1"`},
		{"ldap reply cut short", "ldap", stall("\x30\x0c\x02"), 300 * time.Millisecond, KindTimeout, "reading StartTLS response: read tcp"},
		{"postgres N", "postgres", postgresServer('N'), 0, KindProtocol, "answered 'N'"},
		{"mysql without SSL", "mysql", mysqlServer(0xffff &^ mysqlSSL), 0, KindProtocol, "no CLIENT_SSL"},
		{"data after go-ahead", "pop3", injector, 0, KindProtocol, "STARTTLS injection"},
		{"silent tls", "tls", silent, 300 * time.Millisecond, KindTimeout, "i/o timeout"},
		{"silent smtp", "smtp", silent, 300 * time.Millisecond, KindTimeout, "i/o timeout"},
		{"flood without newline", "smtp", flood("x"), 0, KindProtocol, "line longer than 4096 bytes"},
		{"flood of lines", "smtp", flood("220-flood\r\n"), 0, KindProtocol, "more than 65536 bytes"},
		{"flood of imap lines", "imap", flood("* OK\r\n"), 0, KindProtocol, "more than 65536 bytes"},
		{"flood of xml", "xmpp", flood(" "), 0, KindProtocol, "more than 65536 bytes"},
		{"huge ldap length", "ldap", flood("\x30\x84\x7f\xff\xff\xff"), 0, KindProtocol, "BER length above 65536 bytes"},
		{"long ldap message", "ldap", flood("\x30\x82\x20\x00"), 0, KindProtocol, "exceeds the 4096-byte limit"},
		{"huge mysql packet", "mysql", flood("\xff\xff\xff\x00"), 0, KindProtocol, "exceeds the 4096-byte limit"},
		{"garbage instead of TLS", "tls", flood("HTTP/1.0 400 Bad Request\r\n"), 0, KindTLSHandshake, "tls handshake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveTLS(t, cert, tt.script)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			start := time.Now()
			res, err := Probe(t.Context(), Request{Host: srv.host, Port: srv.port, Protocol: tt.protocol, Timeout: timeout})
			checkError(t, err, tt.kind, tt.message)
			if elapsed := time.Since(start); elapsed > timeout+time.Second {
				t.Errorf("took %v with a timeout of %v", elapsed, timeout)
			}
			if res.Address != srv.addr || res.Chain != nil {
				t.Errorf("Address %q (want %q), chain of %d", res.Address, srv.addr, len(res.Chain))
			}
		})
	}
}

func checkError(t *testing.T, err error, kind ErrorKind, message string) {
	t.Helper()
	if err == nil {
		t.Fatal("Probe succeeded, want an error")
	}
	if KindOf(err) != kind || !strings.Contains(err.Error(), message) || !strings.HasPrefix(err.Error(), string(kind)+": ") {
		t.Errorf("error %q (kind %q), want kind %q containing %q", err, KindOf(err), kind, message)
	}
}

// xmppRefusal answers the stream header with a stream error, as Prosody does
// for a "to" domain it does not serve.
func xmppRefusal(_ *testing.T, c net.Conn, r *bufio.Reader) bool {
	if _, ok := nextStart(xml.NewDecoder(r)); ok {
		_, _ = io.WriteString(c, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"+
			"<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"+
			"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>This server does not serve 127.0.0.1</text></stream:error></stream:stream>")
	}
	return false
}

// stall sends the start of a message, then nothing until the client hangs up.
func stall(start string) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		if _, err := io.WriteString(c, start); err == nil {
			silent(t, c, r)
		}
		return false
	}
}

func say554(_ *testing.T, c net.Conn, _ *bufio.Reader) bool {
	say(c, "554 no service here")
	return false
}

// injector sends bytes after its go-ahead, as a man in the middle injecting commands would.
func injector(t *testing.T, c net.Conn, r *bufio.Reader) bool {
	say(c, "+OK POP3 ready")
	if hear(t, r, "STLS") {
		say(c, "+OK Begin TLS\r\n+OK injected")
	}
	return false
}
