package probe

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"

	"certinel.dev/shared/wire"
)

// baseConfig is shared by every probe and never modified; clientConfig clones it.
// Verification is skipped because judging chains is the server's job, and every suite
// crypto/tls implements is offered, insecure ones included, because the goal is to see
// the certificate of old servers (TLS 1.0, RSA key exchange, CBC, 3DES), not to protect
// data. No client certificate is configured, so none is ever sent. CurvePreferences
// stays nil: Go's default offers the post-quantum hybrid X25519MLKEM768 first and the
// classical groups after it, so the group a server picks says whether it is ready.
var baseConfig = &tls.Config{
	InsecureSkipVerify: true,
	MinVersion:         tls.VersionTLS10,
	CipherSuites:       allCipherSuites(),
}

func allCipherSuites() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		ids = append(ids, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		ids = append(ids, s.ID)
	}
	return ids
}

// clientConfig is baseConfig for one probe, calling back into c during the handshake.
// crypto/tls always asks for a stapled OCSP response (status_request).
func clientConfig(serverName string, c *capture) *tls.Config {
	cfg := baseConfig.Clone()
	cfg.ServerName = serverName
	cfg.VerifyPeerCertificate = c.keep
	cfg.VerifyConnection = c.keepStaple
	return cfg
}

// capture keeps the raw chain and the stapled OCSP response from inside the handshake,
// so they survive a failure that comes later (a demanded client certificate, an alert
// after the Certificate message). crypto/tls parses the certificates before calling
// back, so a chain it cannot parse is not captured.
type capture struct {
	chain [][]byte
	// staple is the stapled OCSP response, at most wire.MaxOCSPStaple bytes;
	// dropped is the size of one that was larger.
	staple  []byte
	dropped int
}

// keep is a tls.Config.VerifyPeerCertificate. crypto/tls hands it a fresh copy of the
// handshake message, so the slices can be kept without copying.
func (c *capture) keep(rawCerts [][]byte, _ [][]*x509.Certificate) error {
	c.chain = rawCerts
	return nil
}

// keepStaple is a tls.Config.VerifyConnection, called right after keep: by then both
// TLS 1.2 (CertificateStatus message) and TLS 1.3 (Certificate entry extension) have
// read the staple. It is copied, so the handshake's buffers are not held.
func (c *capture) keepStaple(cs tls.ConnectionState) error {
	switch n := len(cs.OCSPResponse); {
	case n > wire.MaxOCSPStaple:
		c.dropped = n
	case n > 0:
		c.staple = bytes.Clone(cs.OCSPResponse)
	}
	return nil
}

// keyExchangeName names the negotiated group. CurveID is zero on a
// completed handshake only when the key was exchanged by RSA encryption
// (TLS 1.2 and older, TLS_RSA_* suites; crypto/tls offers no finite-field
// Diffie-Hellman), which is named "RSA": certainly not post-quantum, and
// not the unknown an empty name means.
func keyExchangeName(id tls.CurveID, version uint16) string {
	switch {
	case id != 0:
		return id.String()
	case version != 0 && version < tls.VersionTLS13:
		return "RSA"
	}
	return ""
}
