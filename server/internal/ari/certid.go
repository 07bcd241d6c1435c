package ari

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrNoCertID is returned for a certificate that has no ARI identifier: one
// without an Authority Key Identifier, or without a serial number.
var ErrNoCertID = errors.New("ari: certificate has no authority key identifier or serial")

// CertID is the certificate's identifier in a renewalInfo URL (RFC 9773
// section 4.1): the base64url, unpadded, of the keyIdentifier of its
// Authority Key Identifier, a dot, and the same of the DER bytes of its
// serial number.
func CertID(cert *x509.Certificate) (string, error) {
	if len(cert.AuthorityKeyId) == 0 || cert.SerialNumber == nil {
		return "", ErrNoCertID
	}
	serial, err := serialDER(cert)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(cert.AuthorityKeyId) + "." + enc.EncodeToString(serial), nil
}

// serialDER returns the content octets of the serial number's DER INTEGER,
// as RFC 9773 asks: for a positive serial whose top bit is set this keeps
// the leading zero byte that big.Int.Bytes drops.
func serialDER(cert *x509.Certificate) ([]byte, error) {
	if cert.SerialNumber.Sign() < 0 {
		return nil, fmt.Errorf("ari: negative serial number: %w", ErrNoCertID)
	}
	b := cert.SerialNumber.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b, nil
}
