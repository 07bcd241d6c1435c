package probe

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// crypto/tls implements no finite-field DHE, Camellia, ARIA or SEED suites, so it cannot
// handshake with an old server that offers only those, and never sees its certificate. Up
// to TLS 1.2 the Certificate message travels in clear after the ServerHello, so a
// ClientHello that offers those suites is enough to read the chain; the handshake is then
// abandoned, as every probe's is.

// legacySuites are offered by the legacy ClientHello: what crypto/tls has, then what it
// lacks. Names are kept for the suites crypto/tls cannot name.
var legacySuites = []struct {
	id   uint16
	name string
}{
	{0xc02b, ""}, {0xc02f, ""}, {0xc02c, ""}, {0xc030, ""}, {0xcca9, ""}, {0xcca8, ""},
	{0xc009, ""}, {0xc013, ""}, {0xc00a, ""}, {0xc014, ""}, {0xc023, ""}, {0xc027, ""},
	{0x009c, ""}, {0x009d, ""}, {0x002f, ""}, {0x0035, ""}, {0x003c, ""}, {0x000a, ""},
	{0xc012, ""}, {0xc008, ""}, {0x0005, ""}, {0xc011, ""}, {0xc007, ""},
	{0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
	{0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
	{0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
	{0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
	{0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"},
	{0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"},
	{0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
	{0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"},
	{0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
	{0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"},
	{0xc09c, "TLS_RSA_WITH_AES_128_CCM"},
	{0xc09d, "TLS_RSA_WITH_AES_256_CCM"},
	{0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM"},
	{0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM"},
	{0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
	{0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"},
	{0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"},
	{0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"},
	{0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"},
	{0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"},
	{0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
	{0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256"},
	{0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256"},
	{0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"},
	{0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA"},
	{0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5"},
	{0x0009, "TLS_RSA_WITH_DES_CBC_SHA"},
	{0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"},
	{0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"},
	{0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"},
	{0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"},
	{0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"},
	{0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA"},
	{0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA"},
	{0x00ff, ""}, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV: some old servers want it
}

// legacySuiteName names a suite the legacy hello negotiated.
func legacySuiteName(id uint16) string {
	for _, s := range legacySuites {
		if s.id == id && s.name != "" {
			return s.name
		}
	}
	return tls.CipherSuiteName(id)
}

// Limits on what the legacy read accepts: a certificate chain of a few certificates
// fits easily, a flood stops early.
const (
	maxLegacyRead    = 256 << 10 // every record read, headers included
	maxLegacyMessage = 128 << 10 // one handshake message
)

var errNoCertificate = errors.New("server ended the handshake before its Certificate message")

// grabCertificates sends the legacy ClientHello on conn and reads the handshake up to the
// server's Certificate message, whose chain (with the negotiated version and suite) goes
// into res.
func grabCertificates(conn net.Conn, serverName string, res *Result) error {
	if _, err := conn.Write(legacyHello(serverName)); err != nil {
		return err
	}
	r := &budget{r: conn, n: maxLegacyRead}
	var pending []byte // handshake bytes not yet split into messages
	var version, suite uint16
	for {
		typ, body, err := readRecord(r)
		if errors.Is(err, errTooLong) {
			return fmt.Errorf("server sent more than %d bytes without a Certificate message", maxLegacyRead)
		}
		if err != nil {
			return err
		}
		switch typ {
		case 21: // alert
			if len(body) >= 2 {
				return fmt.Errorf("server sent TLS alert %d", body[1])
			}
			return errors.New("server sent a malformed TLS alert")
		case 22: // handshake
			pending = append(pending, body...)
		default:
			return fmt.Errorf("unexpected TLS record type %d before the Certificate message", typ)
		}
		for len(pending) >= 4 {
			n := int(pending[1])<<16 | int(pending[2])<<8 | int(pending[3])
			if n > maxLegacyMessage {
				return fmt.Errorf("handshake message of %d bytes exceeds the %d-byte limit", n, maxLegacyMessage)
			}
			if len(pending) < 4+n {
				break
			}
			msgType, msg := pending[0], pending[4:4+n]
			pending = pending[4+n:]
			switch msgType {
			case 2: // ServerHello: version, random, session ID, cipher suite
				if len(msg) < 35 || len(msg) < 35+int(msg[34])+2 {
					return errors.New("malformed ServerHello")
				}
				version = binary.BigEndian.Uint16(msg)
				suite = binary.BigEndian.Uint16(msg[35+int(msg[34]):])
			case 11: // Certificate
				if version == 0 {
					return errors.New("Certificate message before ServerHello")
				}
				chain, err := parseCertificateList(msg)
				if err != nil {
					return err
				}
				res.Chain = chain
				res.TLSVersion = tls.VersionName(version)
				res.CipherSuite = legacySuiteName(suite)
				res.HandshakeError = "crypto/tls does not implement the negotiated " +
					res.CipherSuite + "; the chain was read from the handshake in clear"
				return nil
			case 14: // ServerHelloDone without a certificate: an anonymous suite
				return errNoCertificate
			}
		}
	}
}

// readRecord reads one TLS record.
func readRecord(r io.Reader) (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, readError(err)
	}
	n := int(binary.BigEndian.Uint16(hdr[3:]))
	if hdr[1] != 3 || n > 18432 { // RFC 5246 section 6.2.3: at most 2^14 + 2048
		return 0, nil, fmt.Errorf("not a TLS record (header %x)", hdr)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, nil, readError(err)
	}
	return hdr[0], body, nil
}

// parseCertificateList splits a Certificate message body into DER certificates.
func parseCertificateList(msg []byte) ([][]byte, error) {
	if len(msg) < 3 || int(msg[0])<<16|int(msg[1])<<8|int(msg[2]) != len(msg)-3 {
		return nil, errors.New("malformed Certificate message")
	}
	var chain [][]byte
	for rest := msg[3:]; len(rest) > 0; {
		if len(rest) < 3 {
			return nil, errors.New("malformed Certificate message")
		}
		n := int(rest[0])<<16 | int(rest[1])<<8 | int(rest[2])
		if n == 0 || len(rest) < 3+n {
			return nil, errors.New("malformed Certificate message")
		}
		chain = append(chain, rest[3:3+n])
		rest = rest[3+n:]
	}
	if len(chain) == 0 {
		return nil, errNoCertificate
	}
	return chain, nil
}

// legacyHello is a TLS 1.2 ClientHello (in a record versioned 1.0, as old servers expect)
// offering legacySuites, the usual groups including finite-field ones, and signature
// algorithms down to SHA-1.
func legacyHello(serverName string) []byte {
	var body []byte
	body = append(body, 3, 3) // client_version TLS 1.2
	random := make([]byte, 32)
	_, _ = rand.Read(random)
	body = append(body, random...)
	body = append(body, 0) // no session ID
	body = binary.BigEndian.AppendUint16(body, uint16(2*len(legacySuites)))
	for _, s := range legacySuites {
		body = binary.BigEndian.AppendUint16(body, s.id)
	}
	body = append(body, 1, 0) // compression: null only

	var ext []byte
	if serverName != "" {
		name := []byte(serverName)
		ext = appendExtension(ext, 0x0000, func(b []byte) []byte { // server_name
			b = binary.BigEndian.AppendUint16(b, uint16(3+len(name)))
			b = append(b, 0) // host_name
			b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
			return append(b, name...)
		})
	}
	ext = appendExtension(ext, 0x000a, uint16List(0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102)) // supported_groups
	ext = appendExtension(ext, 0x000b, func(b []byte) []byte { return append(b, 1, 0) })                   // ec_point_formats: uncompressed
	ext = appendExtension(ext, 0x000d, uint16List(0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806,  // signature_algorithms
		0x0601, 0x0603, 0x0807, 0x0203, 0x0201, 0x0402, 0x0202))
	ext = appendExtension(ext, 0x0017, func(b []byte) []byte { return b }) // extended_master_secret
	body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
	body = append(body, ext...)

	msg := append([]byte{1, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
	record := []byte{22, 3, 1}
	record = binary.BigEndian.AppendUint16(record, uint16(len(msg)))
	return append(record, msg...)
}

func appendExtension(b []byte, typ uint16, data func([]byte) []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, typ)
	content := data(nil)
	b = binary.BigEndian.AppendUint16(b, uint16(len(content)))
	return append(b, content...)
}

// uint16List encodes a vector of uint16 with its two-byte length.
func uint16List(vs ...uint16) func([]byte) []byte {
	return func(b []byte) []byte {
		b = binary.BigEndian.AppendUint16(b, uint16(2*len(vs)))
		for _, v := range vs {
			b = binary.BigEndian.AppendUint16(b, v)
		}
		return b
	}
}
