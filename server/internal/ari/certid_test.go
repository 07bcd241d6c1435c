package ari

import (
	"crypto/x509"
	"errors"
	"math/big"
	"testing"
)

// The example of RFC 9773 section 4.1: AKI 69:88:5B:6B:87:46:40:41:E1:B3:7B:
// 84:7B:A0:AE:2C:DE:01:C8:D4 and serial 00:87:65:43:21 (a DER integer
// whose first content byte is zero because the next one has its top bit set).
func TestCertIDOfTheRFCExample(t *testing.T) {
	aki := []byte{0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3, 0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4}
	cert := &x509.Certificate{AuthorityKeyId: aki, SerialNumber: big.NewInt(0x87654321)}
	got, err := CertID(cert)
	if err != nil {
		t.Fatal(err)
	}
	if want := "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"; got != want {
		t.Errorf("CertID = %q, want %q", got, want)
	}
}

func TestCertIDNeedsAnAuthorityKeyID(t *testing.T) {
	_, err := CertID(&x509.Certificate{SerialNumber: big.NewInt(1)})
	if !errors.Is(err, ErrNoCertID) {
		t.Errorf("err = %v, want ErrNoCertID", err)
	}
}
