package discovery

import (
	"errors"
	"strings"
	"testing"
)

func TestNewPlan(t *testing.T) {
	tests := []struct {
		name      string
		hosts     []string
		ports     string
		probes    int
		wantField Field
		wantText  string
	}{
		{name: "default ports", hosts: []string{"10.0.0.1"}, probes: 17},
		{name: "block and name", hosts: []string{"10.0.0.0/30", "db.internal"}, ports: "443,8000-8009", probes: 33},
		{name: "ipv6 block", hosts: []string{"fd00::/120"}, ports: "443", probes: 256},
		{name: "no hosts", wantField: FieldHosts, wantText: "required"},
		{name: "oversized block", hosts: []string{"10.0.0.0/8"}, wantField: FieldHosts, wantText: "more than the limit of 65536"},
		{name: "oversized ipv6", hosts: []string{"fd00::/64"}, wantField: FieldHosts, wantText: "2^64"},
		{name: "bad cidr", hosts: []string{"10.0.0.0/33"}, wantField: FieldHosts, wantText: "prefix length"},
		{name: "port zero", hosts: []string{"h"}, ports: "0", wantField: FieldPorts, wantText: "out of range"},
		{name: "port too big", hosts: []string{"h"}, ports: "70000", wantField: FieldPorts, wantText: "out of range"},
		{name: "range without end", hosts: []string{"h"}, ports: "8000-", wantField: FieldPorts, wantText: "no end"},
		{name: "reversed range", hosts: []string{"h"}, ports: "9000-8000", wantField: FieldPorts, wantText: "reversed"},
		{name: "too many probes", hosts: []string{"10.0.0.0/16"}, ports: "1-100", wantField: FieldPorts, wantText: "probes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(tt.hosts, tt.ports)
			if tt.wantField == "" {
				if err != nil || p.Probes() != tt.probes {
					t.Fatalf("NewPlan = %d probes, %v; want %d", p.Probes(), err, tt.probes)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Field != tt.wantField || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("NewPlan error = %v; want field %s mentioning %q", err, tt.wantField, tt.wantText)
			}
		})
	}
}

func TestProtocolForPort(t *testing.T) {
	for port, want := range map[int]string{25: "smtp", 587: "smtp", 143: "imap", 110: "pop3", 389: "ldap", 5222: "xmpp", 5432: "postgres", 443: "tls", 993: "tls", 8443: "tls", 12345: "tls"} {
		if got := ProtocolForPort(port); got != want {
			t.Errorf("ProtocolForPort(%d) = %q, want %q", port, got, want)
		}
	}
}

func TestFormatPorts(t *testing.T) {
	for in, want := range map[string]string{"443": "443", "8002,8000,8001,443": "443,8000-8002", "1-3,5,7-8": "1-3,5,7-8"} {
		p, err := NewPlan([]string{"h"}, in)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatPorts(p.Ports); got != want {
			t.Errorf("FormatPorts(%q) = %q, want %q", in, got, want)
		}
	}
}
