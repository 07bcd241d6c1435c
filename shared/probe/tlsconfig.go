package probe

import (
	"crypto/tls"
	"crypto/x509"
)

// baseConfig is shared by every probe and never modified; clientConfig clones it.
// Verification is skipped because judging chains is the server's job, and every suite
// crypto/tls implements is offered, insecure ones included, because the goal is to see
// the certificate of old servers (TLS 1.0, RSA key exchange, CBC, 3DES), not to protect
// data. No client certificate is configured, so none is ever sent.
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

func clientConfig(serverName string, verify func([][]byte, [][]*x509.Certificate) error) *tls.Config {
	c := baseConfig.Clone()
	c.ServerName = serverName
	c.VerifyPeerCertificate = verify
	return c
}

// capture keeps the raw chain from inside the handshake, so it survives a failure that
// comes later (a demanded client certificate, an alert after the Certificate message).
// crypto/tls parses the certificates before calling back, so a chain it cannot parse is
// not captured.
type capture struct {
	chain [][]byte
}

// keep is a tls.Config.VerifyPeerCertificate. crypto/tls hands it a fresh copy of the
// handshake message, so the slices can be kept without copying.
func (c *capture) keep(rawCerts [][]byte, _ [][]*x509.Certificate) error {
	c.chain = rawCerts
	return nil
}
