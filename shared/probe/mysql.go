package probe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// Capability flags of the MySQL client/server protocol.
const (
	mysqlProtocol41       = 0x0200
	mysqlSSL              = 0x0800
	mysqlSecureConnection = 0x8000
)

// upgradeMySQL reads the server's initial handshake packet (protocol version 10), checks
// that it offers CLIENT_SSL, and answers with an SSLRequest packet, after which the
// client starts TLS without waiting for a reply.
func upgradeMySQL(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	seq, greeting, err := d.readMySQLPacket()
	if err != nil {
		return fmt.Errorf("reading initial handshake: %w", err)
	}
	caps, err := mysqlCapabilities(greeting)
	if err != nil {
		return err
	}
	if caps&mysqlSSL == 0 {
		return errors.New("server does not offer SSL (no CLIENT_SSL capability)")
	}
	// SSLRequest: a 4-byte header, then capabilities, max packet size, character set
	// (utf8mb4_general_ci) and 23 reserved zero bytes.
	var req [4 + 32]byte
	req[0], req[3] = 32, seq+1
	binary.LittleEndian.PutUint32(req[4:], mysqlProtocol41|mysqlSSL|mysqlSecureConnection)
	binary.LittleEndian.PutUint32(req[8:], 1<<24)
	req[12] = 45
	if _, err := d.conn.Write(req[:]); err != nil {
		return err
	}
	return d.done()
}

// readMySQLPacket reads one packet: a 3-byte little-endian length, a sequence number
// and the payload, refusing lengths above maxLine.
func (d *dialogue) readMySQLPacket() (seq byte, payload []byte, err error) {
	var hdr [4]byte
	if _, err := io.ReadFull(d.r, hdr[:]); err != nil {
		return 0, nil, readError(err)
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	if n > maxLine {
		return 0, nil, fmt.Errorf("packet of %d bytes exceeds the %d-byte limit", n, maxLine)
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(d.r, payload); err != nil {
		return 0, nil, readError(err)
	}
	return hdr[3], payload, nil
}

// mysqlCapabilities returns the lower capability flags of an initial handshake packet:
// protocol version 10, the NUL-terminated server version, a 4-byte connection ID, 8 bytes
// of auth data and a filler byte come before them.
func mysqlCapabilities(p []byte) (uint16, error) {
	if len(p) > 0 && p[0] == 0xff { // ERR packet: 2-byte code, then "#" + SQL state + text
		msg := p[1:]
		if len(msg) > 2 {
			msg = msg[2:]
		}
		return 0, fmt.Errorf("server sent an error instead of a handshake: %s", excerpt(string(msg)))
	}
	if len(p) == 0 || p[0] != 10 {
		return 0, unexpected("initial handshake", "protocol version 10", string(p))
	}
	end := bytes.IndexByte(p[1:], 0)
	if end < 0 || len(p) < 1+end+1+4+8+1+2 {
		return 0, fmt.Errorf("initial handshake too short: %s", excerpt(string(p)))
	}
	off := 1 + end + 1 + 4 + 8 + 1
	return binary.LittleEndian.Uint16(p[off:]), nil
}
