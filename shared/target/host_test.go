package target_test

import (
	"errors"
	"strings"
	"testing"

	"certinel.dev/shared/target"
)

func TestNormalizeHost(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	long64 := strings.Repeat("a", 64)
	name253 := strings.Repeat(long63+".", 3) + strings.Repeat("b", 61)
	tests := []struct {
		in, want, err string
	}{
		{in: "example.com", want: "example.com"},
		{in: "Example.COM", want: "example.com"},
		{in: "example.com.", want: "example.com"},
		{in: "localhost", want: "localhost"},
		{in: "_ldap._tcp.dc.internal", want: "_ldap._tcp.dc.internal"},
		{in: "r3---sn-abc.example", want: "r3---sn-abc.example"},
		{in: "bücher.example", want: "xn--bcher-kva.example"},
		{in: "BÜCHER.example.", want: "xn--bcher-kva.example"},
		{in: "XN--BCHER-KVA.example", want: "xn--bcher-kva.example"},
		{in: "例え.テスト", want: "xn--r8jz45g.xn--zckzah"},
		{in: "a.b。c", want: "a.b.c"},
		{in: long63 + ".com", want: long63 + ".com"},
		{in: name253, want: name253},
		{in: "1.2.3.4", want: "1.2.3.4"},
		{in: "１.２.３.４", want: "1.2.3.4"},
		{in: "2001:DB8:0:0::1", want: "2001:db8::1"},
		{in: "::1", want: "::1"},
		{in: "::ffff:10.0.0.1", want: "::ffff:10.0.0.1"},
		{in: "host1.internal", want: "host1.internal"},

		{in: "", err: `host "" is empty`},
		{in: ".", err: `host "." has an empty label`},
		{in: "a..b", err: `host "a..b" has an empty label`},
		{in: ".a.com", err: `host ".a.com" has an empty label`},
		{in: "a.com..", err: `host "a.com.." has an empty label`},
		{in: "-a.com", err: `host "-a.com" has label "-a" starting with a hyphen`},
		{in: "a-.com", err: `host "a-.com" has label "a-" ending with a hyphen`},
		{in: "*.example.com", err: `host "*.example.com" is a wildcard; name a single host`},
		{in: "a b.com", err: `host "a b.com" has ' ' in label "a b"; only letters, digits, hyphens and underscores are allowed`},
		{in: "a!.com", err: `host "a!.com" has '!' in label "a!"; only letters, digits, hyphens and underscores are allowed`},
		{in: "ａ！.com", err: `host "ａ！.com" has '!' in label "a!"; only letters, digits, hyphens and underscores are allowed`},
		{in: long64 + ".com", err: `host "` + long64 + `.com" has label "` + long64 + `" of 64 characters, more than the limit of 63`},
		{in: name253 + "b", err: `host "` + (name253 + "b")[:100] + `"... has 254 characters as a DNS name, more than the limit of 253`},
		{in: "[::1]", err: `host "[::1]" has brackets, which belong only around an IPv6 address followed by a port`},
		{in: "example.com:443", err: `host "example.com:443" has a ":" but is not an IPv6 address; give the port separately`},
		{in: "fe80::1%eth0", err: `host "fe80::1%eth0" has an IPv6 zone, which is not allowed`},
		{in: "2001:db8::g", err: `host "2001:db8::g" is not a valid IPv6 address`},
		{in: "256.1.1.1", err: `host "256.1.1.1" is not a valid IPv4 address`},
		{in: "1.2.3", err: `host "1.2.3" is not a valid IPv4 address`},
		{in: "010.0.0.1", err: `host "010.0.0.1" is not a valid IPv4 address`},
		{in: "2130706433", err: `host "2130706433" is not a valid IPv4 address`},
		{in: "host.0x7f", err: `host "host.0x7f" ends in a numeric label, which resolvers may read as part of an IPv4 address`},
		{in: "example.123", err: `host "example.123" ends in a numeric label, which resolvers may read as part of an IPv4 address`},
		{in: "xn--zz.com", err: `host "xn--zz.com" is not a valid internationalized name (idna: invalid label "zz")`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := target.NormalizeHost(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("NormalizeHost(%q) = %q, %v; want error %s", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	_, err := target.NormalizeHost("a..b")
	var e *target.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *target.Error", err)
	}
	if e.What != "host" || e.Input != "a..b" || e.Reason != "has an empty label" {
		t.Errorf("got %+v", *e)
	}
}

func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{
		"example.com", "Example.COM.", "bücher.example", "xn--bcher-kva.example", "_srv._tcp.x",
		"1.2.3.4", "::ffff:1.2.3.4", "2001:db8::1", "fe80::1%eth0", "[::1]", "a..b", "-a.com",
		"*.x", "host.0x7f", "１.２.３.４", "ａ！.com", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := target.NormalizeHost(s)
		if err != nil {
			if got != "" {
				t.Fatalf("NormalizeHost(%q) returned %q with error %v", s, got, err)
			}
			return
		}
		again, err := target.NormalizeHost(got)
		if err != nil || again != got {
			t.Fatalf("NormalizeHost(%q) = %q, but NormalizeHost(%q) = %q, %v", s, got, got, again, err)
		}
		if got == "" || len(got) > 253 || strings.ContainsAny(got, "[]%*") || strings.HasSuffix(got, ".") {
			t.Fatalf("NormalizeHost(%q) = %q, not canonical", s, got)
		}
		if got != strings.ToLower(got) {
			t.Fatalf("NormalizeHost(%q) = %q, not lower-case", s, got)
		}
	})
}
