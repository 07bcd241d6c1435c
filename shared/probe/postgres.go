package probe

import (
	"errors"
	"fmt"
	"io"
	"net"
)

// postgresSSLRequest is the SSLRequest message: length 8, then the code 80877103.
var postgresSSLRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}

// upgradePostgres sends SSLRequest; the server answers one byte, 'S' to go on to TLS.
func upgradePostgres(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if _, err := d.conn.Write(postgresSSLRequest); err != nil {
		return err
	}
	b, err := d.r.ReadByte()
	if err == io.EOF {
		err = errClosed
	}
	if err != nil {
		return fmt.Errorf("reading SSLRequest reply: %w", err)
	}
	switch b {
	case 'S':
		return d.done()
	case 'N':
		return errors.New("server does not accept SSL (answered 'N' to SSLRequest)")
	}
	// Very old servers answer with an ErrorResponse ('E'); show what came.
	rest, _ := d.r.Peek(d.r.Buffered())
	return unexpected("SSLRequest reply", "S", string(b)+string(rest))
}
