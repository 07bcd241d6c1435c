package target

import (
	"fmt"
	"net/netip"
	"strings"
)

// Host is one entry of an expanded host list: exactly one of Name (a
// normalized host name) and Addr is set.
type Host struct {
	Name string
	Addr netip.Addr
}

// ExpandHosts turns host specs (host names, IP literals, IPv4 and IPv6 CIDR
// blocks) into one Host per name or address, in the order given, without
// duplicates. IPv4 blocks larger than /31 leave out their network and
// broadcast addresses, which no server answers on. The total, counted
// before anything is expanded, must not exceed maxAddresses; the error names
// the spec that crosses the limit.
func ExpandHosts(specs []string, maxAddresses int) ([]Host, error) {
	limit := uint64(max(maxAddresses, 0))
	parsed := make([]hostSpec, 0, len(specs))
	var total uint64
	for _, s := range specs {
		spec, err := parseHostSpec(s)
		if err != nil {
			return nil, err
		}
		n := spec.count()
		if n > limit {
			return nil, errorf(spec.what(), s, "expands to %s, more than the limit of %d", spec.sizeText(), limit)
		}
		// Cannot overflow: both terms are at most limit, itself at most MaxInt.
		total += n
		if total > limit {
			return nil, errorf(spec.what(), s, "brings the total to %s, more than the limit of %d", counted(total, "address", "addresses"), limit)
		}
		parsed = append(parsed, spec)
	}
	hosts := make([]Host, 0, total)
	seen := make(map[Host]bool, total)
	add := func(h Host) {
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	for _, spec := range parsed {
		if !spec.isBlock {
			add(spec.host)
			continue
		}
		addr := spec.block.Addr()
		if spec.skipEnds() {
			addr = addr.Next()
		}
		for range spec.count() {
			add(Host{Addr: addr})
			addr = addr.Next()
		}
	}
	return hosts, nil
}

type hostSpec struct {
	isBlock bool
	block   netip.Prefix
	host    Host
}

func parseHostSpec(s string) (hostSpec, error) {
	if strings.Contains(s, "/") {
		block, _, err := ParseCIDR(s)
		return hostSpec{isBlock: true, block: block}, err
	}
	name, err := NormalizeHost(s)
	if err != nil {
		return hostSpec{}, err
	}
	if addr, err := netip.ParseAddr(name); err == nil {
		return hostSpec{host: Host{Addr: addr}}, nil
	}
	return hostSpec{host: Host{Name: name}}, nil
}

// skipEnds reports whether the block has a network and a broadcast address
// to leave out; a /31 (RFC 3021) and a /32 have neither.
func (h hostSpec) skipEnds() bool {
	return h.block.Addr().Is4() && h.block.Bits() <= 30
}

func (h hostSpec) what() string {
	if h.isBlock {
		return "CIDR"
	}
	return "host"
}

func (h hostSpec) count() uint64 {
	switch {
	case !h.isBlock:
		return 1
	case h.skipEnds():
		return prefixSize(h.block) - 2
	default:
		return prefixSize(h.block)
	}
}

// sizeText spells out the size of a spec; IPv6 blocks of /64 and larger
// are written as a power of two, since their count saturates.
func (h hostSpec) sizeText() string {
	hostBits := h.block.Addr().BitLen() - h.block.Bits()
	if h.isBlock && hostBits >= 64 {
		return fmt.Sprintf("2^%d addresses", hostBits)
	}
	return counted(h.count(), "address", "addresses")
}
