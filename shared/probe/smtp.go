package probe

import (
	"errors"
	"net"
	"net/netip"
	"strings"
)

// upgradeSMTP follows RFC 3207: greeting, EHLO, STARTTLS only if the server advertises it.
func upgradeSMTP(conn net.Conn, _ string) error {
	d := newDialogue(conn)
	if _, err := d.reply("220", "greeting"); err != nil {
		return err
	}
	if err := d.send("EHLO " + ehloName(conn) + "\r\n"); err != nil {
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

// ehloName is the EHLO argument. A client without a meaningful domain name uses the address
// literal of its end of the connection (RFC 5321 section 4.1.4); servers that reject
// non-FQDN names such as "localhost" at EHLO (Postfix reject_non_fqdn_helo_hostname with
// smtpd_delay_reject=no) accept it. "localhost" only when the address is unknown.
func ehloName(conn net.Conn) string {
	a, ok := conn.LocalAddr().(*net.TCPAddr)
	if !ok {
		return "localhost"
	}
	ip, ok := netip.AddrFromSlice(a.IP)
	if !ok {
		return "localhost"
	}
	if ip = ip.Unmap().WithZone(""); ip.Is6() {
		return "[IPv6:" + ip.String() + "]"
	}
	return "[" + ip.String() + "]"
}
