package target_test

import (
	"math"
	"net/netip"
	"testing"

	"certinel.dev/shared/target"
)

func TestParseCIDR(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		count uint64
		err   string
	}{
		{in: "10.0.0.0/24", want: "10.0.0.0/24", count: 256},
		{in: "10.0.0.7/24", want: "10.0.0.0/24", count: 256},
		{in: "10.0.0.1/32", want: "10.0.0.1/32", count: 1},
		{in: "10.0.0.0/31", want: "10.0.0.0/31", count: 2},
		{in: "10.0.0.0/8", want: "10.0.0.0/8", count: 16777216},
		{in: "0.0.0.0/0", want: "0.0.0.0/0", count: 1 << 32},
		{in: "2001:DB8::/120", want: "2001:db8::/120", count: 256},
		{in: "2001:db8::/65", want: "2001:db8::/65", count: 1 << 63},
		{in: "2001:db8::/64", want: "2001:db8::/64", count: math.MaxUint64},
		{in: "::/0", want: "::/0", count: math.MaxUint64},
		{in: "::ffff:10.0.0.0/120", want: "::ffff:10.0.0.0/120", count: 256},

		{in: "", err: `CIDR "" is empty`},
		{in: "10.0.0.0", err: `CIDR "10.0.0.0" has no "/" and prefix length`},
		{in: "/24", err: `CIDR "/24" has no address before "/"`},
		{in: "10.0.0.0/", err: `CIDR "10.0.0.0/" has no prefix length after "/"`},
		{in: "10.0.0.0/33", err: `CIDR "10.0.0.0/33" has prefix length 33, more than 32 for IPv4`},
		{in: "2001:db8::/129", err: `CIDR "2001:db8::/129" has prefix length 129, more than 128 for IPv6`},
		{in: "10.0.0.0/-1", err: `CIDR "10.0.0.0/-1" has prefix length "-1", which is not a number`},
		{in: "10.0.0.0/24/8", err: `CIDR "10.0.0.0/24/8" has prefix length "24/8", which is not a number`},
		{in: "10.0.0/24", err: `CIDR "10.0.0/24" has "10.0.0", which is not an IP address`},
		{in: "example.com/24", err: `CIDR "example.com/24" has "example.com", which is not an IP address`},
		{in: "fe80::%eth0/64", err: `CIDR "fe80::%eth0/64" has an IPv6 zone, which is not allowed`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			prefix, count, err := target.ParseCIDR(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("ParseCIDR(%q) = %v, %d, %v; want error %s", tt.in, prefix, count, err, tt.err)
				}
				return
			}
			if err != nil || prefix != netip.MustParsePrefix(tt.want) || count != tt.count {
				t.Fatalf("ParseCIDR(%q) = %v, %d, %v; want %s, %d", tt.in, prefix, count, err, tt.want, tt.count)
			}
		})
	}
}
