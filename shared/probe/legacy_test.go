package probe

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
)

// legacyServer speaks TLS at the record level like an old server that has only
// TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, which crypto/tls lacks: a hello without it gets a
// handshake_failure alert; one with it gets ServerHello and the chain, split over two
// records, and then silence.
func legacyServer(chain [][]byte, upgrade script) script {
	return func(t *testing.T, c net.Conn, r *bufio.Reader) bool {
		if upgrade != nil && !upgrade(t, c, r) {
			return false
		}
		typ, hello, err := readRecord(r)
		if err != nil || typ != 22 || len(hello) < 4 || hello[0] != 1 {
			t.Errorf("server: want a ClientHello, got type %d (%v)", typ, err)
			return false
		}
		if !offers(hello[4:], 0x009e) {
			c.Write([]byte{21, 3, 3, 0, 2, 2, 40}) // fatal handshake_failure
			return false
		}
		sh := append([]byte{3, 3}, bytes.Repeat([]byte{7}, 32)...)
		sh = append(sh, 0, 0x00, 0x9e, 0)
		var list []byte
		for _, der := range chain {
			list = append(list, byte(len(der)>>16), byte(len(der)>>8), byte(len(der)))
			list = append(list, der...)
		}
		certMsg := append([]byte{byte(len(list) >> 16), byte(len(list) >> 8), byte(len(list))}, list...)
		hs := append(handshakeMsg(2, sh), handshakeMsg(11, certMsg)...)
		half := len(hs) / 2
		c.Write(record(22, hs[:half]))
		c.Write(record(22, hs[half:]))
		io.Copy(io.Discard, r)
		return false
	}
}

func handshakeMsg(typ byte, body []byte) []byte {
	return append([]byte{typ, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
}

func record(typ byte, body []byte) []byte {
	return append([]byte{typ, 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

// offers reports whether a ClientHello body lists suite.
func offers(hello []byte, suite uint16) bool {
	if len(hello) < 35 {
		return false
	}
	rest := hello[35+int(hello[34]):]
	n := int(binary.BigEndian.Uint16(rest))
	for i := 2; i+1 < 2+n && i+1 < len(rest); i += 2 {
		if binary.BigEndian.Uint16(rest[i:]) == suite {
			return true
		}
	}
	return false
}

func TestProbeReadsChainOfSuitesGoLacks(t *testing.T) {
	ca := newCA(t)
	served := ca.intermediate(t).leaf(t, leafSpec{key: "rsa"})
	for _, protocol := range []string{"tls", "smtp"} {
		t.Run(protocol, func(t *testing.T) {
			var upgrade script
			if protocol == "smtp" {
				upgrade = smtpServer("STARTTLS")
			}
			srv := serve(t, "127.0.0.1:0", legacyServer(served.Certificate, upgrade), nil)
			res := probeOK(t, Request{Host: srv.host, Port: srv.port, Protocol: protocol, SNI: "legacy.test"})
			checkChain(t, res, served)
			if res.TLSVersion != "TLS 1.2" || res.CipherSuite != "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" || res.HandshakeError == "" {
				t.Errorf("version %q, suite %q, handshake error %q", res.TLSVersion, res.CipherSuite, res.HandshakeError)
			}
		})
	}
}

// A server that refuses every hello keeps its first error.
func TestProbeLegacyRefusedKeepsFirstError(t *testing.T) {
	refuse := func(_ *testing.T, c net.Conn, r *bufio.Reader) bool {
		readRecord(r)
		c.Write([]byte{21, 3, 3, 0, 2, 2, 40})
		return false
	}
	srv := serve(t, "127.0.0.1:0", refuse, nil)
	_, err := Probe(t.Context(), Request{Host: srv.host, Port: srv.port, Protocol: "tls"})
	checkError(t, err, KindTLSHandshake, "remote error: tls: handshake failure")
}

func TestParseCertificateListRejectsMalformed(t *testing.T) {
	for _, msg := range [][]byte{nil, {0, 0}, {0, 0, 0}, {0, 0, 4, 0, 0, 9, 1}, {0, 0, 3, 0, 0, 0}} {
		if _, err := parseCertificateList(msg); err == nil {
			t.Errorf("%x: parsed", msg)
		}
	}
}

func FuzzGrabCertificates(f *testing.F) {
	f.Add(record(22, handshakeMsg(2, append(make([]byte, 34), 0, 0, 0x9e, 0))))
	f.Add([]byte{21, 3, 3, 0, 2, 2, 40})
	f.Fuzz(func(t *testing.T, in []byte) {
		client, server := net.Pipe()
		defer client.Close()
		go func() {
			io.Copy(io.Discard, io.LimitReader(server, 1<<10)) // the hello
		}()
		go func() {
			server.Write(in)
			server.Close()
		}()
		var res Result
		if grabCertificates(client, "fuzz.test", &res) == nil && len(res.Chain) == 0 {
			t.Error("success without a chain")
		}
	})
}
