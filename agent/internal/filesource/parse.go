package filesource

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"encoding/pem"
	"path/filepath"
	"strings"

	"certinel.dev/shared/wire"
)

// Item is one certificate item of a file: a chain (DER, leaf first) or a
// CRL (DER). The DER never aliases the file's buffer, which the reader
// zeroes once the file is parsed.
type Item struct {
	Entry  string // see wire.FileItem.Entry
	Format string // one of wire's FileFormat values
	Chain  [][]byte
	CRL    []byte
}

// Magic numbers at the start of Java keystores.
const (
	jksMagic   = 0xFEEDFEED
	jceksMagic = 0xCECECECE
)

// Parse reads the items of one file's content. The format is found from
// the content; the name's extension only helps name the format of a file
// that cannot be parsed. On error, format is the best guess or empty.
func Parse(data []byte, name, password string) (items []Item, format string, err error) {
	format = sniff(data)
	switch format {
	case wire.FileFormatJKS:
		items, err = readJKS(data, password)
	case wire.FileFormatJCEKS:
		items, err = readJCEKS(data, password)
	case wire.FileFormatPEM:
		items, err = readPEM(data)
	case wire.FileFormatPKCS12:
		items, err = readPKCS12(data, password)
	case wire.FileFormatDER:
		items, err = readDER(data)
	default:
		format = guessFromName(name)
		if len(data) == 0 {
			err = malformed("the file is empty")
		} else {
			err = malformed("not a certificate, keystore or CRL the agent can read (PEM, DER, PKCS#12, JKS, JCEKS)")
		}
	}
	if err == nil && len(items) == 0 {
		err = malformed("the %s file holds no certificate or CRL", strings.ToUpper(format))
	}
	if err != nil {
		return nil, format, err
	}
	return items, format, nil
}

// sniff names the format from the content: keystore magic numbers, PEM
// armour, or the shape of the outer DER structure. It returns "" when
// nothing fits.
func sniff(data []byte) string {
	if len(data) >= 4 {
		switch binary.BigEndian.Uint32(data) {
		case jksMagic:
			return wire.FileFormatJKS
		case jceksMagic:
			return wire.FileFormatJCEKS
		}
	}
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		return wire.FileFormatPEM
	}
	if len(data) == 0 || data[0] != 0x30 { // every DER format here is a SEQUENCE
		return ""
	}
	// A PFX starts with its version (INTEGER 3); a certificate and a CRL
	// start with their to-be-signed SEQUENCE.
	var pfx struct {
		Version int
		Rest    asn1.RawValue
	}
	if _, err := asn1.Unmarshal(data, &pfx); err == nil && pfx.Version == 3 {
		return wire.FileFormatPKCS12
	}
	return wire.FileFormatDER
}

// guessFromName names the format a file's extension suggests, for a file
// whose content fits none.
func guessFromName(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pem", ".crt", ".cer", ".ca-bundle":
		return wire.FileFormatPEM
	case ".der":
		return wire.FileFormatDER
	case ".p12", ".pfx":
		return wire.FileFormatPKCS12
	case ".jks", ".keystore", ".truststore":
		return wire.FileFormatJKS
	case ".jceks":
		return wire.FileFormatJCEKS
	case ".crl":
		return wire.FileFormatCRL
	}
	return ""
}

// readPEM reads every CERTIFICATE, TRUSTED CERTIFICATE and X509 CRL block;
// other blocks (private keys, parameters) are skipped without being
// decoded further.
func readPEM(data []byte) ([]Item, error) {
	var certs []*x509.Certificate
	var crls [][]byte
	rest := data
	for n := 1; ; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch block.Type {
		case "CERTIFICATE", "TRUSTED CERTIFICATE":
			cert, err := parseCertBlock(block)
			if err != nil {
				return nil, malformed("PEM block %d: not a valid certificate: %v", n, err)
			}
			certs = append(certs, cert)
		case "X509 CRL":
			if _, err := x509.ParseRevocationList(block.Bytes); err != nil {
				return nil, malformed("PEM block %d: not a valid CRL: %v", n, err)
			}
			crls = append(crls, block.Bytes)
		default:
			clear(block.Bytes) // a private key must not linger in the decoded copy
		}
	}
	items := certItems(certs, wire.FileFormatPEM)
	for _, crl := range crls {
		items = append(items, Item{Format: wire.FileFormatCRL, CRL: crl})
	}
	return numbered(items), nil
}

// parseCertBlock parses a certificate block; OpenSSL's TRUSTED CERTIFICATE
// form appends its trust settings after the certificate's DER.
func parseCertBlock(block *pem.Block) (*x509.Certificate, error) {
	der := block.Bytes
	if block.Type == "TRUSTED CERTIFICATE" {
		var raw asn1.RawValue
		if _, err := asn1.Unmarshal(der, &raw); err != nil {
			return nil, err
		}
		der = raw.FullBytes
	}
	return x509.ParseCertificate(der)
}

// readDER reads one or several concatenated DER certificates, or a DER CRL.
func readDER(data []byte) ([]Item, error) {
	certs, certErr := x509.ParseCertificates(data)
	if certErr == nil {
		return numbered(certItems(certs, wire.FileFormatDER)), nil
	}
	if _, err := x509.ParseRevocationList(data); err == nil {
		return []Item{{Format: wire.FileFormatCRL, CRL: bytes.Clone(data)}}, nil
	}
	return nil, malformed("DER content is neither a certificate nor a CRL: %v", certErr)
}
