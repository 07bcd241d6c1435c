package netguard

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// fakeResolver answers DNS from a server on loopback that knows only records: A and AAAA
// answers for the names given, NXDOMAIN for every other name. Tests never touch the
// network or the host's resolver configuration.
func fakeResolver(t *testing.T, records map[string][]netip.Addr) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := answer(buf[:n], records); resp != nil {
				pc.WriteTo(resp, addr)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

const (
	typeA    = 1
	typeAAAA = 28
)

// answer builds the response to one query, or nil for a packet that is not one.
func answer(query []byte, records map[string][]netip.Addr) []byte {
	if len(query) < 12 {
		return nil
	}
	var labels []string
	end := 12
	for end < len(query) && query[end] != 0 {
		n := int(query[end])
		if end+1+n > len(query) {
			return nil
		}
		labels = append(labels, string(query[end+1:end+1+n]))
		end += 1 + n
	}
	end += 1 + 4 // root label, QTYPE, QCLASS
	if end > len(query) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(query[end-4:])
	addrs, known := records[strings.ToLower(strings.Join(labels, "."))]

	var answers [][]byte
	for _, a := range addrs {
		if (qtype == typeA && a.Is4()) || (qtype == typeAAAA && a.Is6()) {
			rr := []byte{0xc0, 12} // name: pointer to the question
			rr = binary.BigEndian.AppendUint16(rr, qtype)
			rr = append(rr, 0, 1, 0, 0, 0, 60) // class IN, TTL 60
			rr = binary.BigEndian.AppendUint16(rr, uint16(a.BitLen()/8))
			answers = append(answers, append(rr, a.AsSlice()...))
		}
	}
	rcode := byte(0)
	if !known {
		rcode = 3 // NXDOMAIN
	}
	resp := []byte{query[0], query[1], 0x84 | query[2]&1, 0x80 | rcode, 0, 1}
	resp = binary.BigEndian.AppendUint16(resp, uint16(len(answers)))
	resp = append(resp, 0, 0, 0, 0)
	resp = append(resp, query[12:end]...)
	for _, rr := range answers {
		resp = append(resp, rr...)
	}
	return resp
}
