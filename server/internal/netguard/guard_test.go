package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"
)

func TestCheckAddr(t *testing.T) {
	tests := []struct {
		addr         string
		reason       string // "" means allowed
		allowPrivate string // reason with AllowPrivate; "" means allowed
	}{
		{"8.8.8.8", "", ""},
		{"1.1.1.1", "", ""},
		{"2606:4700::1111", "", ""},
		{"2a00:1450:4001::200e", "", ""},
		{"::ffff:8.8.8.8", "", ""},
		{"64:ff9b::808:808", "", ""}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", "", ""},  // 6to4 of 8.8.8.8

		{"127.0.0.1", ReasonLoopback, ""},
		{"127.255.255.254", ReasonLoopback, ""},
		{"::1", ReasonLoopback, ""},
		{"10.0.0.1", ReasonPrivate, ""},
		{"172.16.0.1", ReasonPrivate, ""},
		{"172.31.255.255", ReasonPrivate, ""},
		{"192.168.1.1", ReasonPrivate, ""},
		{"fc00::1", ReasonPrivate, ""},
		{"fd12:3456::1", ReasonPrivate, ""},
		{"fec0::1", ReasonPrivate, ""},
		{"64:ff9b:1::a00:1", ReasonPrivate, ""},
		{"169.254.1.1", ReasonLinkLocal, ""},
		{"fe80::1", ReasonLinkLocal, ""},
		{"fe80::1%eth0", ReasonLinkLocal, ""},
		{"100.64.0.1", ReasonCGNAT, ""},
		{"100.127.255.255", ReasonCGNAT, ""},
		{"0.0.0.0", ReasonUnspecified, ""},
		{"0.1.2.3", ReasonUnspecified, ""},
		{"::", ReasonUnspecified, ""},
		{"224.0.0.1", ReasonMulticast, ""},
		{"239.255.255.250", ReasonMulticast, ""},
		{"ff02::1", ReasonMulticast, ""},
		{"255.255.255.255", ReasonBroadcast, ""},
		{"192.0.2.1", ReasonDocumentation, ""},
		{"198.51.100.7", ReasonDocumentation, ""},
		{"203.0.113.9", ReasonDocumentation, ""},
		{"2001:db8::1", ReasonDocumentation, ""},
		{"240.0.0.1", ReasonReserved, ""},
		{"198.18.0.1", ReasonReserved, ""},
		{"192.0.0.8", ReasonReserved, ""},
		{"100::1", ReasonReserved, ""},
		{"::ffff:0:a00:1", ReasonReserved, ""}, // IPv4-translated, outside 2000::/3
		{"2001::1", ReasonTeredo, ""},
		{"::7f00:1", ReasonIPv4Compatible, ""},
		{"::a00:1", ReasonIPv4Compatible, ""},

		// IPv4-mapped addresses are judged as the IPv4 inside.
		{"::ffff:127.0.0.1", ReasonLoopback, ""},
		{"::ffff:10.0.0.1", ReasonPrivate, ""},
		{"::ffff:169.254.169.254", ReasonMetadata, ReasonMetadata},
		// So are translation and tunnel prefixes that deliver to an IPv4 address.
		{"64:ff9b::7f00:1", "nat64 of " + ReasonLoopback, ""},
		{"64:ff9b::a00:1", "nat64 of " + ReasonPrivate, ""},
		{"64:ff9b::a9fe:a9fe", "nat64 of " + ReasonMetadata, "nat64 of " + ReasonMetadata},
		{"2002:7f00:1::1", "6to4 of " + ReasonLoopback, ""},
		{"2002:c0a8:101::1", "6to4 of " + ReasonPrivate, ""},
		{"2002:a9fe:a9fe::", "6to4 of " + ReasonMetadata, "6to4 of " + ReasonMetadata},

		// Metadata endpoints stay refused for self-hosted installs too.
		{"169.254.169.254", ReasonMetadata, ReasonMetadata},
		{"169.254.170.2", ReasonMetadata, ReasonMetadata},
		{"100.100.100.200", ReasonMetadata, ReasonMetadata},
		{"192.0.0.192", ReasonMetadata, ReasonMetadata},
		{"168.63.129.16", ReasonMetadata, ReasonMetadata},
		{"fd00:ec2::254", ReasonMetadata, ReasonMetadata},
	}
	strict, lax := New(false), New(true)
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.addr)
			checkReason(t, strict.CheckAddr(ip), tt.reason)
			checkReason(t, lax.CheckAddr(ip), tt.allowPrivate)
		})
	}
}

func TestCheckAddrDeny(t *testing.T) {
	g := New(true)
	g.Deny = []netip.Prefix{netip.MustParsePrefix("8.8.8.0/24"), netip.MustParsePrefix("2606:4700::/32")}
	tests := []struct {
		addr, reason string
	}{
		{"8.8.8.8", ReasonConfigured},
		{"::ffff:8.8.8.8", ReasonConfigured},
		{"64:ff9b::808:808", "nat64 of " + ReasonConfigured},
		{"2606:4700::1111", ReasonConfigured},
		{"8.8.4.4", ""},
		{"10.0.0.1", ""},
	}
	for _, tt := range tests {
		checkReason(t, g.CheckAddr(netip.MustParseAddr(tt.addr)), tt.reason)
	}
	checkReason(t, g.CheckAddr(netip.Addr{}), ReasonInvalid)
}

func checkReason(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("refused: %v", err)
		}
		return
	}
	var fe *ForbiddenError
	if !errors.As(err, &fe) || !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("err = %v, want a ForbiddenError (%s)", err, want)
	}
	if fe.Reason != want {
		t.Errorf("reason = %q, want %q", fe.Reason, want)
	}
}

// listen opens a TCP listener that counts the connections it accepts.
func listen(t *testing.T, network, address string) (port string, accepted func() int) {
	t.Helper()
	ln, err := net.Listen(network, address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	n := make(chan int, 1)
	n <- 0
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
			n <- <-n + 1
		}
	}()
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port, func() int { v := <-n; n <- v; return v }
}

func TestDialRefusesPrivate(t *testing.T) {
	port4, accepted4 := listen(t, "tcp4", "127.0.0.1:0")
	port6, accepted6 := listen(t, "tcp6", "[::1]:0")
	addrs := func(s ...string) []netip.Addr {
		var out []netip.Addr
		for _, a := range s {
			out = append(out, netip.MustParseAddr(a))
		}
		return out
	}
	records := map[string][]netip.Addr{
		"loopback.test":  addrs("127.0.0.1"),
		"loopback6.test": addrs("::1"),
		"private.test":   addrs("10.0.0.1"),
		"home.test":      addrs("192.168.1.1"),
		"linklocal.test": addrs("fe80::1"),
		"metadata.test":  addrs("169.254.169.254"),
		"mapped.test":    addrs("::ffff:127.0.0.1"),
		"mapped10.test":  addrs("::ffff:10.0.0.1"),
		"nat64.test":     addrs("64:ff9b::7f00:1"),
		"6to4.test":      addrs("2002:7f00:1::1"),
		"mixed.test":     addrs("10.0.0.1", "127.0.0.1", "::1"),
		// A resolver that, like glibc's inet_aton, reads these spellings as 127.0.0.1.
		"2130706433":   addrs("127.0.0.1"),
		"0177.0.0.1":   addrs("127.0.0.1"),
		"0x7f.0.0.1":   addrs("127.0.0.1"),
		"017700000001": addrs("127.0.0.1"),
		"127.1":        addrs("127.0.0.1"),
		"0x7f000001":   addrs("127.0.0.1"),
	}
	g := New(false, WithResolver(fakeResolver(t, records)))
	g.Timeout = 2 * time.Second

	tests := []struct {
		host string
		port string
	}{
		{"127.0.0.1", port4},
		{"::1", port6},
		{"::ffff:127.0.0.1", port4},
		{"::ffff:10.0.0.1", port4},
		{"fe80::1%lo", port6},
		{"169.254.169.254", port4},
		{"0.0.0.0", port4},
		{"loopback.test", port4},
		{"loopback6.test", port6},
		{"private.test", port4},
		{"home.test", port4},
		{"linklocal.test", port6},
		{"metadata.test", port4},
		{"mapped.test", port4},
		{"mapped10.test", port4},
		{"nat64.test", port4},
		{"6to4.test", port4},
		{"mixed.test", port4},
		{"mixed.test", port6},
		{"2130706433", port4},
		{"0177.0.0.1", port4},
		{"0x7f.0.0.1", port4},
		{"017700000001", port4},
		{"127.1", port4},
		{"0x7f000001", port4},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := g.DialContext(ctx, "tcp", net.JoinHostPort(tt.host, tt.port))
			if err == nil {
				c.Close()
				t.Fatal("connected")
			}
			// A spelling the resolver refuses to look up is as good as a refusal.
			var dnsErr *net.DNSError
			if !errors.Is(err, ErrForbiddenAddress) && !(errors.As(err, &dnsErr) && dnsErr.IsNotFound) {
				t.Fatalf("err = %v, want ErrForbiddenAddress or not found", err)
			}
		})
	}
	if n := accepted4() + accepted6(); n != 0 {
		t.Errorf("listeners accepted %d connections", n)
	}
}

func TestDialAllowPrivate(t *testing.T) {
	port, accepted := listen(t, "tcp4", "127.0.0.1:0")
	records := map[string][]netip.Addr{"internal.test": {netip.MustParseAddr("127.0.0.1")}}
	g := New(true, WithResolver(fakeResolver(t, records)))
	for i, host := range []string{"127.0.0.1", "internal.test", "::ffff:127.0.0.1"} {
		c, err := g.DialContext(context.Background(), "tcp", net.JoinHostPort(host, port))
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		c.Close()
		waitFor(t, func() bool { return accepted() == i+1 })
	}
}

// TestDialTriesEveryAddress shows the check applies to each address of a name: the
// refused one is skipped before connecting and the next one is still tried, even though
// a listener waits on the refused address too.
func TestDialTriesEveryAddress(t *testing.T) {
	port, accepted1 := listen(t, "tcp4", "127.0.0.1:0")
	_, accepted2 := listen(t, "tcp4", "127.0.0.2:"+port)
	records := map[string][]netip.Addr{
		"both.test": {netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("127.0.0.1")},
	}
	g := New(true, WithResolver(fakeResolver(t, records)))
	g.Deny = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	for i := 1; i <= 3; i++ {
		c, err := g.DialContext(context.Background(), "tcp", net.JoinHostPort("both.test", port))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.RemoteAddr().String(); got != "127.0.0.1:"+port {
			t.Errorf("connected to %s", got)
		}
		c.Close()
		waitFor(t, func() bool { return accepted1() == i })
	}
	if n := accepted2(); n != 0 {
		t.Errorf("denied address accepted %d connections", n)
	}
}

func TestDialNetworks(t *testing.T) {
	g := New(true)
	for _, network := range []string{"unix", "udp", "ip4:icmp"} {
		if _, err := g.DialContext(context.Background(), network, "127.0.0.1:"+strconv.Itoa(53)); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: err = %v, want ErrForbiddenAddress", network, err)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
