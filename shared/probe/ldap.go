package probe

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
)

// ldapStartTLS is an LDAPv3 ExtendedRequest (RFC 4511 section 4.12) for StartTLS (section
// 4.14.1), BER-encoded by hand: a fixed message needs no ASN.1 library.
var ldapStartTLS = []byte("" +
	"\x30\x1d" + // LDAPMessage SEQUENCE, 29 bytes
	"\x02\x01\x01" + // messageID INTEGER 1
	"\x77\x18" + // protocolOp [APPLICATION 23] ExtendedRequest, 24 bytes
	"\x80\x16" + "1.3.6.1.4.1.1466.20037") // requestName [0], the StartTLS OID

// BER tags of the reply.
const (
	berSequence          = 0x30
	berInteger           = 0x02
	berEnumerated        = 0x0a
	berOctetString       = 0x04
	ldapExtendedResponse = 0x78 // [APPLICATION 24], constructed
)

var errBERShort = errors.New("truncated BER element")

// upgradeLDAP sends the StartTLS extended request and requires resultCode success (0).
func upgradeLDAP(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if _, err := d.conn.Write(ldapStartTLS); err != nil {
		return err
	}
	msg, err := d.readBERMessage()
	if err != nil {
		return fmt.Errorf("reading StartTLS response: %w", err)
	}
	code, diag, err := parseExtendedResponse(msg)
	if err != nil {
		return fmt.Errorf("StartTLS response: %w (got %s)", err, excerpt(string(msg)))
	}
	if code != 0 {
		return fmt.Errorf("StartTLS refused: resultCode %d, %s", code, excerpt(diag))
	}
	return d.done()
}

// readBERMessage reads one complete BER element, refusing lengths above maxLine before
// allocating anything.
func (d *dialogue) readBERMessage() ([]byte, error) {
	hdr, err := d.r.Peek(2)
	if err == nil && hdr[1]&0x80 != 0 {
		hdr, err = d.r.Peek(2 + int(hdr[1]&0x7f))
	}
	if errors.Is(err, io.EOF) {
		return nil, errClosed
	}
	if err != nil {
		return nil, err
	}
	_, length, size, err := berHeader(hdr)
	if err != nil {
		return nil, err
	}
	if length > maxLine {
		return nil, fmt.Errorf("message of %d bytes exceeds the %d-byte limit", length, maxLine)
	}
	msg := make([]byte, size+length)
	if _, err := io.ReadFull(d.r, msg); err != nil {
		return nil, readError(err)
	}
	return msg, nil
}

// parseExtendedResponse returns the resultCode and diagnosticMessage of an LDAPMessage
// holding an ExtendedResponse.
func parseExtendedResponse(raw []byte) (code int, diag string, err error) {
	msg := berReader{b: raw}
	body := berReader{b: msg.next(berSequence)}
	body.next(berInteger) // messageID: 1, or 0 for a Notice of Disconnection, refused below
	op := berReader{b: body.next(ldapExtendedResponse)}
	result := op.next(berEnumerated)
	op.next(berOctetString) // matchedDN
	text := op.next(berOctetString)
	if err := cmp.Or(msg.err, body.err, op.err); err != nil {
		return 0, "", err
	}
	if len(result) == 0 || len(result) > 4 {
		return 0, "", errors.New("malformed resultCode")
	}
	for _, b := range result {
		code = code<<8 | int(b)
	}
	return code, string(text), nil
}

// berReader walks the elements of a BER sequence; the first error sticks.
type berReader struct {
	b   []byte
	err error
}

// next returns the value of the next element, which must have the given tag.
func (r *berReader) next(tag byte) []byte {
	if r.err != nil {
		return nil
	}
	got, value, rest, err := berNext(r.b)
	if err == nil && got != tag {
		err = fmt.Errorf("expected BER tag 0x%02x, got 0x%02x", tag, got)
	}
	r.b, r.err = rest, err
	return value
}

// berNext splits the first element off b.
func berNext(b []byte) (tag byte, value, rest []byte, err error) {
	tag, length, size, err := berHeader(b)
	if err != nil {
		return 0, nil, nil, err
	}
	if len(b)-size < length {
		return 0, nil, nil, errBERShort
	}
	return tag, b[size : size+length], b[size+length:], nil
}

// berHeader decodes a single-byte tag and a definite length (long form of up to four
// bytes, as Active Directory sends), which is all an LDAP response to StartTLS needs.
func berHeader(b []byte) (tag byte, length, size int, err error) {
	if len(b) < 2 {
		return 0, 0, 0, errBERShort
	}
	tag, length, size = b[0], int(b[1]), 2
	if length&0x80 == 0 {
		return tag, length, size, nil
	}
	n := length & 0x7f
	if n == 0 || n > 4 {
		return 0, 0, 0, fmt.Errorf("unsupported BER length form 0x%02x", b[1])
	}
	if len(b) < size+n {
		return 0, 0, 0, errBERShort
	}
	length = 0
	for _, c := range b[size : size+n] {
		length = length<<8 | int(c)
		if length > maxDialogue { // also keeps a 32-bit int from overflowing
			return 0, 0, 0, fmt.Errorf("BER length above %d bytes", maxDialogue)
		}
	}
	return tag, length, size + n, nil
}
