package probe

import "net"

// upgradeFTP follows RFC 4217: greeting, then AUTH TLS answered by 234.
func upgradeFTP(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if _, err := d.reply("220", "greeting"); err != nil {
		return err
	}
	if err := d.send("AUTH TLS\r\n"); err != nil {
		return err
	}
	if _, err := d.reply("234", "AUTH TLS reply"); err != nil {
		return err
	}
	return d.done()
}
