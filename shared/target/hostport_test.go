package target_test

import (
	"net"
	"strconv"
	"testing"

	"certinel.dev/shared/target"
)

func TestParseHostPort(t *testing.T) {
	tests := []struct {
		in          string
		defaultPort int
		host        string
		port        int
		err         string
	}{
		{in: "example.com", defaultPort: 443, host: "example.com", port: 443},
		{in: "Example.com:8443", defaultPort: 443, host: "example.com", port: 8443},
		{in: "bücher.example:443", defaultPort: 443, host: "xn--bcher-kva.example", port: 443},
		{in: "example.com.:25", defaultPort: 443, host: "example.com", port: 25},
		{in: "1.2.3.4:443", defaultPort: 443, host: "1.2.3.4", port: 443},
		{in: "1.2.3.4", defaultPort: 636, host: "1.2.3.4", port: 636},
		{in: "[2001:DB8::1]:443", defaultPort: 443, host: "2001:db8::1", port: 443},
		{in: "2001:db8::1", defaultPort: 993, host: "2001:db8::1", port: 993},
		{in: "[::1]", defaultPort: 443, host: "::1", port: 443},
		{in: "[::ffff:10.0.0.1]:80", defaultPort: 443, host: "::ffff:10.0.0.1", port: 80},
		{in: "example.com:443", defaultPort: 0, host: "example.com", port: 443},

		{in: "", defaultPort: 443, err: `address "" is empty`},
		{in: "example.com", defaultPort: 0, err: `address "example.com" has no port`},
		{in: "example.com", defaultPort: 70000, err: `default port "70000" is out of range 1-65535`},
		{in: "host:0", defaultPort: 443, err: `port "0" is out of range 1-65535`},
		{in: "host:70000", defaultPort: 443, err: `port "70000" is out of range 1-65535`},
		{in: "host:abc", defaultPort: 443, err: `port "abc" is not a number`},
		{in: "host:-1", defaultPort: 443, err: `port "-1" is not a number`},
		{in: "1.2.3.4:", defaultPort: 443, err: `address "1.2.3.4:" has no port after ":"`},
		{in: ":443", defaultPort: 443, err: `address ":443" has no host before the port`},
		{in: "[::1]:", defaultPort: 443, err: `address "[::1]:" has no port after ":"`},
		{in: "[::1", defaultPort: 443, err: `address "[::1" has "[" without a closing "]"`},
		{in: "[]:443", defaultPort: 443, err: `address "[]:443" has no host between the brackets`},
		{in: "[1.2.3.4]:443", defaultPort: 443, err: `address "[1.2.3.4]:443" has brackets around "1.2.3.4", which is not an IPv6 address`},
		{in: "[::1]443", defaultPort: 443, err: `address "[::1]443" has "443" after "]" where only ":port" may follow`},
		{in: "[fe80::1%eth0]:443", defaultPort: 443, err: `host "fe80::1%eth0" has an IPv6 zone, which is not allowed`},
		{in: "a..b:443", defaultPort: 443, err: `host "a..b" has an empty label`},
		{in: "example.com:443:1", defaultPort: 443, err: `host "example.com:443:1" is not a valid IPv6 address`},
		{in: "*.example.com:443", defaultPort: 443, err: `host "*.example.com" is a wildcard; name a single host`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			host, port, err := target.ParseHostPort(tt.in, tt.defaultPort)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("ParseHostPort(%q, %d) = %q, %d, %v; want error %s", tt.in, tt.defaultPort, host, port, err, tt.err)
				}
				return
			}
			if err != nil || host != tt.host || port != tt.port {
				t.Fatalf("ParseHostPort(%q, %d) = %q, %d, %v; want %q, %d", tt.in, tt.defaultPort, host, port, err, tt.host, tt.port)
			}
		})
	}
}

func FuzzParseHostPort(f *testing.F) {
	for _, s := range []string{
		"example.com", "example.com:443", "1.2.3.4:443", "[2001:db8::1]:443", "2001:db8::1", "[::1]",
		"host:0", "host:70000", "1.2.3.4:", ":443", "[::1]:", "bücher.example:8443", "[fe80::1%eth0]:1",
	} {
		f.Add(s, 443)
	}
	f.Add("example.com", 0)
	f.Fuzz(func(t *testing.T, s string, defaultPort int) {
		host, port, err := target.ParseHostPort(s, defaultPort)
		if err != nil {
			return
		}
		if port < 1 || port > 65535 {
			t.Fatalf("ParseHostPort(%q, %d) gave port %d", s, defaultPort, port)
		}
		if again, err := target.NormalizeHost(host); err != nil || again != host {
			t.Fatalf("ParseHostPort(%q, %d) gave host %q, which normalizes to %q, %v", s, defaultPort, host, again, err)
		}
		joined := net.JoinHostPort(host, strconv.Itoa(port))
		host2, port2, err := target.ParseHostPort(joined, 0)
		if err != nil || host2 != host || port2 != port {
			t.Fatalf("ParseHostPort(%q) = %q, %d, %v; want %q, %d", joined, host2, port2, err, host, port)
		}
	})
}
