package store

import (
	"fmt"
	"net"
	"strconv"
)

// A domain's identity is its organization, host, port, protocol, effective
// SNI and agent (the unique index domains_endpoint): one address may serve
// many names. This file holds that rule for Go and for SQL.

// EndpointSNI is the SNI that tells the domain apart at its address: empty
// when it is the host itself, since an empty SNI sends the host anyway.
func (d Domain) EndpointSNI() string {
	if d.SNI == d.Host {
		return ""
	}
	return d.SNI
}

// Endpoint names the domain's endpoint for people: host:port, protocol and
// the SNI when it is not the host.
func (d Domain) Endpoint() string {
	s := net.JoinHostPort(d.Host, strconv.Itoa(d.Port)) + " (" + d.Protocol + ")"
	if sni := d.EndpointSNI(); sni != "" {
		s += " with SNI " + sni
	}
	return s
}

// endpointSNISQL is EndpointSNI in SQL, for a row's sni and host columns,
// written as the index writes it.
func endpointSNISQL(sni, host string) string {
	return "COALESCE(NULLIF(" + sni + ", " + host + "), '')"
}

// EndpointTakenError says another domain of the organization already
// monitors the endpoint through the same agent. It is an ErrConflict.
type EndpointTakenError struct {
	Domain Domain
}

func (e *EndpointTakenError) Error() string {
	return fmt.Sprintf("%s is already monitored: %v", e.Domain.Endpoint(), ErrConflict)
}

func (e *EndpointTakenError) Unwrap() error { return ErrConflict }

// endpointConflict turns a write's unique violation on domains into the
// EndpointTakenError naming d; other errors pass through.
func endpointConflict(err error, d Domain) error {
	if isUniqueViolation(err) {
		return &EndpointTakenError{Domain: d}
	}
	return err
}
