package probe

import (
	"maps"
	"net"
	"slices"
)

// upgradeFunc speaks a protocol's clear-text dialogue on conn until the server is ready
// for the TLS handshake. domain is the name the dialogue addresses where it needs one.
type upgradeFunc func(conn net.Conn, domain string) error

type dialect struct {
	port    int
	upgrade upgradeFunc
}

// dialects maps each protocol to its default port and upgrade; adding one is one line.
var dialects = map[string]dialect{
	"tls":      {443, direct},
	"smtps":    {465, direct},
	"imaps":    {993, direct},
	"pop3s":    {995, direct},
	"ldaps":    {636, direct},
	"smtp":     {25, upgradeSMTP},
	"imap":     {143, upgradeIMAP},
	"pop3":     {110, upgradePOP3},
	"ldap":     {389, upgradeLDAP},
	"ftp":      {21, upgradeFTP},
	"xmpp":     {5222, upgradeXMPP},
	"postgres": {5432, upgradePostgres},
	"mysql":    {3306, upgradeMySQL},
}

var protocolNames = slices.Sorted(maps.Keys(dialects))

// direct is the upgrade of implicit-TLS protocols: there is nothing to say before TLS.
func direct(net.Conn, string) error { return nil }

// Protocols returns the supported protocol names, sorted.
func Protocols() []string { return slices.Clone(protocolNames) }

// Supported reports whether protocol is one of Protocols().
func Supported(protocol string) bool {
	_, ok := dialects[protocol]
	return ok
}

// DefaultPort returns the protocol's well-known port, 0 if the protocol is not supported.
func DefaultPort(protocol string) int { return dialects[protocol].port }
