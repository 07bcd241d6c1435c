package probe

import "net"

// upgradePOP3 follows RFC 2595 section 4: greeting "+OK", STLS, "+OK".
func upgradePOP3(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if err := d.expectLine("+OK", "greeting"); err != nil {
		return err
	}
	if err := d.send("STLS\r\n"); err != nil {
		return err
	}
	if err := d.expectLine("+OK", "STLS reply"); err != nil {
		return err
	}
	return d.done()
}
