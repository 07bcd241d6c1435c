package target_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"certinel.dev/shared/target"
)

func addrs(ss ...string) []target.Host {
	hosts := make([]target.Host, len(ss))
	for i, s := range ss {
		hosts[i] = target.Host{Addr: netip.MustParseAddr(s)}
	}
	return hosts
}

func TestExpandHosts(t *testing.T) {
	tests := []struct {
		name  string
		specs []string
		max   int
		want  []target.Host
		err   string
	}{
		{name: "nothing", specs: nil, max: 10, want: []target.Host{}},
		{name: "names and literals", specs: []string{"DB.internal.", "bücher.example", "10.0.0.1", "2001:DB8::1"}, max: 4,
			want: append([]target.Host{{Name: "db.internal"}, {Name: "xn--bcher-kva.example"}}, addrs("10.0.0.1", "2001:db8::1")...)},
		{name: "v4 /30 skips network and broadcast", specs: []string{"192.168.1.4/30"}, max: 2,
			want: addrs("192.168.1.5", "192.168.1.6")},
		{name: "v4 /31 keeps both", specs: []string{"192.168.1.4/31"}, max: 2, want: addrs("192.168.1.4", "192.168.1.5")},
		{name: "v4 /32", specs: []string{"192.168.1.4/32"}, max: 1, want: addrs("192.168.1.4")},
		{name: "v6 /126 keeps all", specs: []string{"2001:db8::/126"}, max: 4,
			want: addrs("2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3")},
		{name: "duplicates dropped", specs: []string{"10.0.0.2", "10.0.0.0/30", "a.example", "A.example."}, max: 10,
			want: append(addrs("10.0.0.2", "10.0.0.1"), target.Host{Name: "a.example"})},

		{name: "v4 /8 over limit", specs: []string{"10.0.0.0/8"}, max: 65536,
			err: `CIDR "10.0.0.0/8" expands to 16777214 addresses, more than the limit of 65536`},
		{name: "v6 /64 over limit", specs: []string{"2001:db8::/64"}, max: 65536,
			err: `CIDR "2001:db8::/64" expands to 2^64 addresses, more than the limit of 65536`},
		{name: "v6 /0 over limit", specs: []string{"::/0"}, max: 65536,
			err: `CIDR "::/0" expands to 2^128 addresses, more than the limit of 65536`},
		{name: "total over limit", specs: []string{"10.0.0.0/24", "a.example", "10.0.1.0/25"}, max: 300,
			err: `CIDR "10.0.1.0/25" brings the total to 381 addresses, more than the limit of 300`},
		{name: "name over limit", specs: []string{"10.0.0.0/30", "a.example"}, max: 2,
			err: `host "a.example" brings the total to 3 addresses, more than the limit of 2`},
		{name: "zero limit", specs: []string{"a.example"}, max: 0,
			err: `host "a.example" expands to 1 address, more than the limit of 0`},
		{name: "bad CIDR", specs: []string{"10.0.0.0/24", "10.0.0.0/33"}, max: 1000,
			err: `CIDR "10.0.0.0/33" has prefix length 33, more than 32 for IPv4`},
		{name: "bad name", specs: []string{"a..b"}, max: 10, err: `host "a..b" has an empty label`},
		{name: "wildcard", specs: []string{"*.example.com"}, max: 10, err: `host "*.example.com" is a wildcard; name a single host`},
		{name: "empty spec", specs: []string{""}, max: 10, err: `host "" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target.ExpandHosts(tt.specs, tt.max)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("ExpandHosts(%q, %d) = %v, %v; want error %s", tt.specs, tt.max, got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ExpandHosts(%q, %d) = %v, %v; want %v", tt.specs, tt.max, got, err, tt.want)
			}
		})
	}
}

func TestExpandHostsV4Slash24(t *testing.T) {
	got, err := target.ExpandHosts([]string{"10.1.2.0/24"}, 254)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 254 || got[0].Addr != netip.MustParseAddr("10.1.2.1") || got[253].Addr != netip.MustParseAddr("10.1.2.254") {
		t.Fatalf("got %d hosts from %v to %v; want 254 from 10.1.2.1 to 10.1.2.254", len(got), got[0], got[len(got)-1])
	}
}

func TestExpandHostsV6Slash120(t *testing.T) {
	got, err := target.ExpandHosts([]string{"2001:db8::100/120"}, 256)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 256 || got[0].Addr != netip.MustParseAddr("2001:db8::100") || got[255].Addr != netip.MustParseAddr("2001:db8::1ff") {
		t.Fatalf("got %d hosts from %v to %v; want 256 from 2001:db8::100 to 2001:db8::1ff", len(got), got[0], got[len(got)-1])
	}
}

func FuzzExpandHosts(f *testing.F) {
	f.Add("10.0.0.0/24\nexample.com\n2001:db8::/120", 1000)
	f.Add("10.0.0.0/8", 65536)
	f.Add("10.0.0.0/31\n10.0.0.1\n10.0.0.0/30", 4)
	f.Add("::/0", 10)
	f.Add("bücher.example\nBÜCHER.example.", 2)
	f.Add("a..b\n*.x\n", 10)
	f.Fuzz(func(t *testing.T, list string, maxAddresses int) {
		// Bound the cap so that a lucky /8 cannot make one run allocate gigabytes.
		maxAddresses %= 1 << 16
		specs := strings.Split(list, "\n")
		hosts, err := target.ExpandHosts(specs, maxAddresses)
		if err != nil {
			if hosts != nil {
				t.Fatalf("ExpandHosts(%q, %d) returned %d hosts with error %v", specs, maxAddresses, len(hosts), err)
			}
			return
		}
		if len(hosts) > maxAddresses {
			t.Fatalf("ExpandHosts(%q, %d) returned %d hosts", specs, maxAddresses, len(hosts))
		}
		seen := make(map[target.Host]bool, len(hosts))
		for _, h := range hosts {
			if (h.Name == "") == !h.Addr.IsValid() {
				t.Fatalf("ExpandHosts(%q, %d) returned %+v: want exactly one of Name and Addr", specs, maxAddresses, h)
			}
			if seen[h] {
				t.Fatalf("ExpandHosts(%q, %d) returned %+v twice", specs, maxAddresses, h)
			}
			seen[h] = true
			if h.Name != "" {
				if again, err := target.NormalizeHost(h.Name); err != nil || again != h.Name {
					t.Fatalf("ExpandHosts(%q, %d) returned name %q, which normalizes to %q, %v", specs, maxAddresses, h.Name, again, err)
				}
			}
		}
	})
}
