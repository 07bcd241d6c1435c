package probe

import (
	"fmt"
	"net"
	"strings"
)

const imapTag = "a001"

// upgradeIMAP follows RFC 3501 section 6.2.1: greeting "* OK", then a tagged STARTTLS.
// A server without STARTTLS answers the tag with BAD or NO, which fails the probe.
func upgradeIMAP(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if err := d.expectLine("* OK", "greeting"); err != nil {
		return err
	}
	if err := d.send(imapTag + " STARTTLS\r\n"); err != nil {
		return err
	}
	for {
		line, err := d.readLine()
		if err != nil {
			return fmt.Errorf("reading STARTTLS reply: %w", err)
		}
		if strings.HasPrefix(line, "* ") { // untagged data, such as CAPABILITY, may come first
			continue
		}
		if !hasPrefixFold(line, imapTag+" OK") {
			return unexpected("STARTTLS reply", imapTag+" OK", line)
		}
		return d.done()
	}
}
