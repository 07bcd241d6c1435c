// Package inspect prints a human-readable summary of a probed chain for
// `certinel-agent check`. It is a debugging aid for operators: the agent's
// reports carry raw DER and never a verdict.
package inspect

import (
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"certinel.dev/shared/probe"
)

// Write prints res to w; now dates the "days left" column.
func Write(w io.Writer, res probe.Result, now time.Time) error {
	p := &printer{w: w}
	p.line("address", res.Address)
	p.line("tls version", orDash(res.TLSVersion))
	p.line("cipher suite", orDash(res.CipherSuite))
	p.line("key exchange", orDash(res.KeyExchange))
	p.line("duration", res.Duration.Round(time.Millisecond).String())
	if res.HandshakeError != "" {
		p.line("handshake", "failed after the certificates: "+res.HandshakeError)
	}
	p.line("certificates", fmt.Sprintf("%d (leaf first, as presented)", len(res.Chain)))
	for i, der := range res.Chain {
		p.printf("\n[%d]\n", i)
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			p.line("  parse error", err.Error())
			p.line("  sha256", fingerprint(der))
			continue
		}
		p.cert(cert, der, now)
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) line(label, value string) {
	p.printf("%-15s %s\n", label+":", value)
}

func (p *printer) cert(c *x509.Certificate, der []byte, now time.Time) {
	p.line("  subject", c.Subject.String())
	p.line("  issuer", c.Issuer.String())
	if sans := names(c); len(sans) > 0 {
		p.line("  SANs", strings.Join(sans, ", "))
	}
	p.line("  not before", c.NotBefore.UTC().Format(time.RFC3339))
	p.line("  not after", c.NotAfter.UTC().Format(time.RFC3339))
	p.line("  days left", daysLeft(c.NotAfter, now))
	p.line("  key", fmt.Sprintf("%s, signed with %s", c.PublicKeyAlgorithm, c.SignatureAlgorithm))
	p.line("  sha256", fingerprint(der))
}

func names(c *x509.Certificate) []string {
	out := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, "IP:"+ip.String())
	}
	out = append(out, c.EmailAddresses...)
	for _, u := range c.URIs {
		out = append(out, u.String())
	}
	return out
}

// daysLeft rounds down, so "0" means it expires within a day.
func daysLeft(notAfter, now time.Time) string {
	days := math.Floor(notAfter.Sub(now).Hours() / 24)
	if days < 0 {
		return fmt.Sprintf("%.0f (expired)", days)
	}
	return fmt.Sprintf("%.0f", days)
}

func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	hex := fmt.Sprintf("%X", sum[:])
	pairs := make([]string, 0, len(sum))
	for i := 0; i < len(hex); i += 2 {
		pairs = append(pairs, hex[i:i+2])
	}
	return strings.Join(pairs, ":")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
