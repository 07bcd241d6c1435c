package httpapi

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// xfccHeader is Envoy's header for the client certificate it verified.
const xfccHeader = "X-Forwarded-Client-Cert"

// errProxiedCert is a client certificate header that a trusted proxy sent
// but that holds no certificate Certinel can read.
var errProxiedCert = errors.New("client certificate header: no readable certificate")

// presentedChain is the client certificate chain of a request, leaf first:
// the one presented in the TLS handshake with this server, or, behind a
// TLS-terminating proxy, the one the proxy relays in the configured header.
// The header is believed only from a trusted proxy's address, since only
// the proxy saw the client prove it holds the key; anyone else's header is
// ignored. nil means no certificate was presented.
func (h *handler) presentedChain(r *http.Request) ([]*x509.Certificate, error) {
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		return r.TLS.PeerCertificates, nil
	}
	if h.certHeader == "" {
		return nil, nil
	}
	v := r.Header.Get(h.certHeader)
	if v == "" || !fromNetworks(r.RemoteAddr, h.proxies) {
		return nil, nil
	}
	if strings.EqualFold(h.certHeader, xfccHeader) {
		return parseXFCC(v)
	}
	return parseEscapedPEM(v)
}

// fromNetworks tells whether a connection's peer address is in one of nets.
func fromNetworks(remoteAddr string, nets []*net.IPNet) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// parseEscapedPEM reads a certificate as nginx relays it with
// $ssl_client_escaped_cert (URL-encoded PEM); plain PEM is read too.
func parseEscapedPEM(v string) ([]*x509.Certificate, error) {
	if strings.Contains(v, "%") {
		unescaped, err := url.PathUnescape(v)
		if err != nil {
			return nil, errProxiedCert
		}
		v = unescaped
	}
	return parsePEMCerts(v)
}

// parseXFCC reads the certificate of an X-Forwarded-Client-Cert header. Each
// proxy on the way adds an element (comma-separated); the last one is the
// proxy next to this server, which holds the connection it terminated. Its
// Cert field is the URL-encoded PEM of the client's certificate.
func parseXFCC(v string) ([]*x509.Certificate, error) {
	elements := splitQuoted(v, ',')
	if len(elements) == 0 {
		return nil, errProxiedCert
	}
	for _, pair := range splitQuoted(elements[len(elements)-1], ';') {
		key, value, ok := strings.Cut(pair, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "Cert") {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = strings.ReplaceAll(value[1:len(value)-1], `\"`, `"`)
		}
		pemText, err := url.PathUnescape(value)
		if err != nil {
			return nil, errProxiedCert
		}
		return parsePEMCerts(pemText)
	}
	return nil, errProxiedCert
}

// splitQuoted splits s at sep outside double quotes (XFCC quotes values
// such as subjects, which hold commas and semicolons).
func splitQuoted(s string, sep byte) []string {
	var parts []string
	quoted, escaped, start := false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case escaped:
			escaped = false
		case c == '\\' && quoted:
			escaped = true
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		parts = append(parts, s[start:])
	}
	return parts
}

// parsePEMCerts reads every CERTIFICATE block of a PEM text, in order.
func parsePEMCerts(text string) ([]*x509.Certificate, error) {
	var chain []*x509.Certificate
	rest := []byte(text)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, errProxiedCert
		}
		chain = append(chain, cert)
	}
	if len(chain) == 0 {
		return nil, errProxiedCert
	}
	return chain, nil
}
