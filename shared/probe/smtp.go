package probe

import (
	"errors"
	"net"
	"strings"
)

// upgradeSMTP follows RFC 3207: greeting, EHLO, STARTTLS only if the server advertises it.
func upgradeSMTP(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if _, err := d.reply("220", "greeting"); err != nil {
		return err
	}
	// Any name is acceptable in EHLO before authentication; "localhost" is what
	// net/smtp sends and what servers are used to seeing from clients without a name.
	if err := d.send("EHLO localhost\r\n"); err != nil {
		return err
	}
	ext, err := d.reply("250", "EHLO reply")
	if err != nil {
		return err
	}
	if !advertises(ext[1:], "STARTTLS") {
		return errors.New("STARTTLS not advertised in EHLO reply")
	}
	if err := d.send("STARTTLS\r\n"); err != nil {
		return err
	}
	if _, err := d.reply("220", "STARTTLS reply"); err != nil {
		return err
	}
	return d.done()
}

// advertises reports whether one of the EHLO extension lines names keyword.
func advertises(lines []string, keyword string) bool {
	for _, l := range lines {
		if name, _, _ := strings.Cut(l, " "); strings.EqualFold(name, keyword) {
			return true
		}
	}
	return false
}
