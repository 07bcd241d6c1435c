// Package discovery holds what the server and the agent must agree on about
// discovery jobs: the default ports, the protocol each port is probed with,
// and the limits that keep one job's sweep bounded. The server checks a job
// with Plan before storing it, and the agent expands it with the same call,
// so a job the server accepted is a job the agent can run.
package discovery

import (
	"fmt"
	"strconv"
	"strings"

	"certinel.dev/shared/target"
)

// Limits of one job. MaxAddresses keeps a typo such as 10.0.0.0/8 from
// becoming a sweep of sixteen million hosts; MaxProbes bounds what a job
// costs even when many addresses meet many ports.
const (
	MaxAddresses = 65_536
	MaxProbes    = 1_000_000
	maxPorts     = 65_535
)

// DefaultPorts are swept when a job names none: the implicit-TLS services
// and the STARTTLS ones that ProtocolForPort knows how to upgrade.
const DefaultPorts = "25,110,143,389,443,465,587,636,853,989,990,992,993,995,5222,5432,8443"

// starttls maps the well-known ports of protocols that start in clear text
// to the probe protocol that upgrades them; every other port is tried with
// direct TLS.
var starttls = map[int]string{
	21:   "ftp",
	25:   "smtp",
	110:  "pop3",
	143:  "imap",
	389:  "ldap",
	587:  "smtp",
	3306: "mysql",
	5222: "xmpp",
	5432: "postgres",
}

// ProtocolForPort is the probe protocol a sweep uses on port.
func ProtocolForPort(port int) string {
	if p, ok := starttls[port]; ok {
		return p
	}
	return "tls"
}

// Plan is an expanded job: what a sweep visits.
type Plan struct {
	Hosts []target.Host
	Ports []int
}

// Probes is the number of connections a sweep may open.
func (p Plan) Probes() int { return len(p.Hosts) * len(p.Ports) }

// Field names the part of a job an error is about, for API messages.
type Field string

const (
	FieldHosts Field = "hosts"
	FieldPorts Field = "ports"
)

// Error is a job that cannot be planned, with the field at fault.
type Error struct {
	Field Field
	Err   error
}

func (e *Error) Error() string { return string(e.Field) + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// NewPlan expands hosts and ports ("" means DefaultPorts) within the limits.
func NewPlan(hosts []string, ports string) (Plan, error) {
	if len(hosts) == 0 {
		return Plan{}, &Error{FieldHosts, fmt.Errorf("at least one host, IP or CIDR block is required")}
	}
	if strings.TrimSpace(ports) == "" {
		ports = DefaultPorts
	}
	expanded, err := target.ExpandHosts(hosts, MaxAddresses)
	if err != nil {
		return Plan{}, &Error{FieldHosts, err}
	}
	ps, err := target.ParsePorts(ports, maxPorts)
	if err != nil {
		return Plan{}, &Error{FieldPorts, err}
	}
	p := Plan{Hosts: expanded, Ports: ps}
	if n := p.Probes(); n > MaxProbes {
		return Plan{}, &Error{FieldPorts, fmt.Errorf("%d addresses × %d ports is %d probes, more than the limit of %d",
			len(expanded), len(ps), n, MaxProbes)}
	}
	return p, nil
}

// FormatPorts writes sorted unique ports in the compact form ParsePorts
// reads, runs joined as ranges: [443 8000 8001 8002] is "443,8000-8002".
func FormatPorts(ports []int) string {
	var b strings.Builder
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(ports[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(ports[j]))
		}
		i = j + 1
	}
	return b.String()
}
