package probe

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"io"
	"net"
	"slices"
	"testing"
)

// Fake servers for each STARTTLS dialect: the real greeting and upgrade, then TLS.

func smtpServer(extensions ...string) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		if !say(c, "220-mail.test ESMTP ready", "220-a multi-line greeting", "220 mail.test") ||
			!hear(t, r, "EHLO [127.0.0.1]") {
			return false
		}
		reply := []string{"250-mail.test greets you"}
		for _, e := range extensions {
			reply = append(reply, "250-"+e)
		}
		if !say(c, append(reply, "250 8BITMIME")...) || !slices.Contains(extensions, "STARTTLS") ||
			!hear(t, r, "STARTTLS") {
			return false
		}
		return say(c, "220 2.0.0 Ready to start TLS")
	}
}

func imapServer(answer string) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		return say(c, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready") &&
			hear(t, r, "a001 STARTTLS") &&
			say(c, "* CAPABILITY IMAP4rev1 STARTTLS", answer) && answer == "a001 OK Begin TLS negotiation now"
	}
}

func pop3Server(answer string) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		return say(c, "+OK POP3 ready") && hear(t, r, "STLS") && say(c, answer) && answer[0] == '+'
	}
}

func ftpServer(answer string) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		return say(c, "220-Welcome", " free text inside a multi-line reply", "220 FTP ready") &&
			hear(t, r, "AUTH TLS") && say(c, answer) && answer[:3] == "234"
	}
}

// ldapServer answers StartTLS with resultCode, using 4-byte long-form lengths (as Active
// Directory does) and a responseName, to exercise the BER parser.
func ldapServer(resultCode byte) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		req := make([]byte, len(ldapStartTLS))
		if _, err := io.ReadFull(r, req); err != nil || !bytes.Equal(req, ldapStartTLS) {
			t.Errorf("server: StartTLS request %x, %v", req, err)
			return false
		}
		ext := append(tlv(0x0a, []byte{resultCode}), tlv(0x04, nil)...)
		ext = append(ext, tlv(0x04, []byte("diagnostic text"))...)
		ext = append(ext, tlv(0x8a, []byte("1.3.6.1.4.1.1466.20037"))...)
		msg := tlv(0x30, append(tlv(0x02, []byte{1}), tlv(0x78, ext)...))
		_, err := c.Write(msg)
		return err == nil && resultCode == 0
	}
}

func tlv(tag byte, value []byte) []byte {
	b := []byte{tag, 0x84, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], uint32(len(value)))
	return append(b, value...)
}

func postgresServer(answer byte) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		req := make([]byte, 8)
		if _, err := io.ReadFull(r, req); err != nil || !bytes.Equal(req, postgresSSLRequest) {
			t.Errorf("server: SSLRequest %x, %v", req, err)
			return false
		}
		_, err := c.Write([]byte{answer})
		return err == nil && answer == 'S'
	}
}

func mysqlServer(caps uint16) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		p := []byte{10}
		p = append(p, "8.0.36\x00"...)
		p = append(p, 1, 0, 0, 0)                     // connection ID
		p = append(p, "abcdefgh"...)                  // auth-plugin-data part 1
		p = append(p, 0)                              // filler
		p = binary.LittleEndian.AppendUint16(p, caps) // capability flags, lower
		p = append(p, 45, 2, 0, 0xff, 0xdf, 21)       // charset, status, upper flags, auth data length
		p = append(p, make([]byte, 10)...)            // reserved
		p = append(p, "ijklmnopqrst\x00"...)          // auth-plugin-data part 2
		p = append(p, "caching_sha2_password\x00"...) // auth plugin name
		hdr := []byte{byte(len(p)), byte(len(p) >> 8), byte(len(p) >> 16), 0}
		if _, err := c.Write(append(hdr, p...)); err != nil || caps&mysqlSSL == 0 {
			return false
		}
		// Read from c, not r: the client sends its ClientHello right after the
		// SSLRequest, and r would swallow the start of it.
		req := make([]byte, 36)
		if _, err := io.ReadFull(c, req); err != nil {
			t.Errorf("server: SSLRequest: %v", err)
			return false
		}
		flags := binary.LittleEndian.Uint32(req[4:])
		if req[0] != 32 || req[3] != 1 || flags&mysqlSSL == 0 || flags&mysqlProtocol41 == 0 {
			t.Errorf("server: bad SSLRequest %x", req)
			return false
		}
		return true
	}
}

// xmppServer checks the client's stream header, offers features, and answers starttls.
func xmppServer(domain, features string) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		dec := xml.NewDecoder(r)
		start, ok := nextStart(dec)
		if !ok || start.Name.Local != "stream" || attr(start, "to") != domain {
			t.Errorf("server: stream header %+v, want one to %q", start, domain)
			return false
		}
		_, err := io.WriteString(c, "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"+
			" xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='"+domain+"' version='1.0'>"+
			"<stream:features>"+features+"</stream:features>")
		if err != nil {
			return false
		}
		start, ok = nextStart(dec)
		if !ok || start.Name != (xml.Name{Space: xmppTLSNS, Local: "starttls"}) {
			return false // the client gave up, as it should without starttls
		}
		_, err = io.WriteString(c, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
		return err == nil
	}
}

const (
	xmppStartTLS = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
	xmppSASL     = "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
)

func nextStart(dec *xml.Decoder) (xml.StartElement, bool) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.StartElement{}, false
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s, true
		}
	}
}

func attr(s xml.StartElement, name string) string {
	for _, a := range s.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
