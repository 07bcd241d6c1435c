package probe

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

const (
	xmppStreamsNS = "http://etherx.jabber.org/streams"
	xmppTLSNS     = "urn:ietf:params:xml:ns:xmpp-tls"
)

// upgradeXMPP follows RFC 6120 section 5: open a client stream to domain, require
// <starttls/> among the stream features, ask for it and expect <proceed/>.
func upgradeXMPP(conn net.Conn, domain string) error {
	d := newDialogue(conn)
	var open strings.Builder
	open.WriteString("<?xml version='1.0'?><stream:stream to='")
	if err := xml.EscapeText(&open, []byte(domain)); err != nil {
		return err
	}
	open.WriteString("' version='1.0' xmlns='jabber:client' xmlns:stream='" + xmppStreamsNS + "'>")
	if err := d.send(open.String()); err != nil {
		return err
	}
	// The decoder reads byte by byte from d.r (an io.ByteReader), so it never consumes
	// more than the elements it returns, and d.done can still see trailing data.
	dec := xml.NewDecoder(d.r)
	if err := nextElement(dec, xml.Name{Space: xmppStreamsNS, Local: "stream"}); err != nil {
		return err
	}
	if err := nextElement(dec, xml.Name{Space: xmppStreamsNS, Local: "features"}); err != nil {
		return err
	}
	offered, err := featuresHaveStartTLS(dec)
	if err != nil {
		return err
	}
	if !offered {
		return errors.New("starttls not offered in stream features")
	}
	if err := d.send("<starttls xmlns='" + xmppTLSNS + "'/>"); err != nil {
		return err
	}
	if err := nextElement(dec, xml.Name{Space: xmppTLSNS, Local: "proceed"}); err != nil {
		return err
	}
	return d.done()
}

// nextElement skips to the next start element and checks its name.
func nextElement(dec *xml.Decoder, want xml.Name) error {
	for {
		tok, err := dec.Token()
		if err != nil {
			return xmlError(want, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name == xmppStreamError && want != xmppStreamError {
				return streamError(dec, t)
			}
			if t.Name != want {
				return fmt.Errorf("expected <%s>, got <%s xmlns=%s>", want.Local, excerpt(t.Name.Local), excerpt(t.Name.Space))
			}
			return nil
		case xml.EndElement:
			return fmt.Errorf("expected <%s>, got </%s>", want.Local, excerpt(t.Name.Local))
		}
	}
}

var xmppStreamError = xml.Name{Space: xmppStreamsNS, Local: "error"}

// streamError reads a <stream:error> (RFC 6120 section 4.9) and reports its condition and
// text, such as host-unknown when the stream's "to" is not a domain the server serves.
func streamError(dec *xml.Decoder, start xml.StartElement) error {
	var e struct {
		Children []struct {
			XMLName xml.Name
			Text    string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := dec.DecodeElement(&e, &start); err != nil {
		return xmlError(xmppStreamError, err)
	}
	condition, text := "", ""
	for _, c := range e.Children {
		if c.XMLName.Local == "text" {
			text = c.Text
		} else if condition == "" {
			condition = c.XMLName.Local
		}
	}
	err := fmt.Errorf("server sent stream error %s: %s", excerpt(condition), excerpt(text))
	if condition == "host-unknown" {
		// The stream addresses the target's SNI, else its host: a bare IP rarely works.
		err = fmt.Errorf("%w (set the target's SNI to the XMPP domain)", err)
	}
	return err
}

// featuresHaveStartTLS reads the children of <stream:features> up to its end.
func featuresHaveStartTLS(dec *xml.Decoder) (bool, error) {
	starttls := xml.Name{Space: xmppTLSNS, Local: "starttls"}
	found := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return false, xmlError(starttls, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			found = found || t.Name == starttls
			if err := dec.Skip(); err != nil {
				return false, xmlError(starttls, err)
			}
		case xml.EndElement:
			return found, nil
		}
	}
}

func xmlError(want xml.Name, err error) error {
	if errors.Is(err, io.EOF) {
		err = errClosed
	}
	return fmt.Errorf("reading <%s>: %w", want.Local, err)
}
