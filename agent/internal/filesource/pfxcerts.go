package filesource

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
)

// A PKCS#12 file can hold certificates and no key (openssl pkcs12 -export
// -nokeys, a CA bundle exported from a browser) and without the Java trust
// attribute; the library reads neither. pfxCertificates walks such a file
// itself: it checks the MAC, decrypts the encrypted SafeContents and takes
// every certificate bag. Shrouded key bags are skipped, never decrypted.

var (
	oidDataContent      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedContent = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidCertBag          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidPBMAC1           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
)

// errPFXPassword is a MAC that does not match, or, in a file without a
// MAC, a decryption that gives nothing sound.
var errPFXPassword = errors.New("wrong password")

type pfxContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

// pfxFile is the outer shape of a PKCS#12 file (RFC 7292, PFX).
type pfxFile struct {
	Version  int
	AuthSafe pfxContentInfo
	MacData  struct {
		Mac struct {
			Algorithm pkix.AlgorithmIdentifier
			Digest    []byte
		}
		Salt   []byte
		Rounds int `asn1:"optional,default:1"`
	} `asn1:"optional"`
}

type pfxEncryptedData struct {
	Version int
	Info    struct {
		ContentType asn1.ObjectIdentifier
		Algorithm   pkix.AlgorithmIdentifier
		Content     []byte `asn1:"tag:0,optional"`
	}
}

type pfxSafeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes asn1.RawValue `asn1:"optional"`
}

type pfxCertBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

// pfxCertificates returns the certificates of every certificate bag, in
// the file's order.
func pfxCertificates(data []byte, password string) ([]*x509.Certificate, error) {
	var pfx pfxFile
	if err := unmarshalAll(data, &pfx); err != nil {
		return nil, err
	}
	if pfx.Version != 3 || !pfx.AuthSafe.ContentType.Equal(oidDataContent) {
		return nil, errors.New("not a password-protected PKCS#12 file")
	}
	var authSafe []byte
	if err := unmarshalAll(pfx.AuthSafe.Content.Bytes, &authSafe); err != nil {
		return nil, fmt.Errorf("authenticated safe: %w", err)
	}
	hasMAC := len(pfx.MacData.Mac.Algorithm.Algorithm) > 0
	if hasMAC {
		if err := checkPFXMAC(authSafe, pfx.MacData.Mac.Algorithm, pfx.MacData.Mac.Digest,
			pfx.MacData.Salt, pfx.MacData.Rounds, password); err != nil {
			return nil, err
		}
	}
	var infos []pfxContentInfo
	if err := unmarshalAll(authSafe, &infos); err != nil {
		return nil, fmt.Errorf("authenticated safe: %w", err)
	}
	var certs []*x509.Certificate
	for i, info := range infos {
		contents, err := safeContents(info, password)
		if errors.Is(err, errDecrypt) && !hasMAC {
			return nil, errPFXPassword
		}
		if err != nil {
			return nil, fmt.Errorf("safe %d: %w", i+1, err)
		}
		var bags []pfxSafeBag
		err = unmarshalAll(contents, &bags)
		// The safe may hold a key bag in the clear; what the certificates
		// need was copied out by the decoder.
		defer clear(contents)
		if err != nil {
			if !hasMAC && info.ContentType.Equal(oidEncryptedContent) {
				return nil, errPFXPassword // what a wrong key decrypts to is noise
			}
			return nil, fmt.Errorf("safe %d: %w", i+1, err)
		}
		for _, bag := range bags {
			if !bag.ID.Equal(oidCertBag) {
				continue // keys, secrets and CRLs are none of the agent's business
			}
			var cb pfxCertBag
			if err := unmarshalAll(bag.Value.Bytes, &cb); err != nil {
				return nil, fmt.Errorf("certificate bag: %w", err)
			}
			if !cb.ID.Equal(oidX509Certificate) {
				continue // an SDSI certificate, which the agent cannot judge
			}
			cert, err := x509.ParseCertificate(cb.Data)
			if err != nil {
				return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
			}
			certs = append(certs, cert)
		}
	}
	return certs, nil
}

// safeContents returns the DER SafeContents of one part of the
// authenticated safe, decrypting it if need be.
func safeContents(info pfxContentInfo, password string) ([]byte, error) {
	switch {
	case info.ContentType.Equal(oidDataContent):
		var contents []byte
		err := unmarshalAll(info.Content.Bytes, &contents)
		return contents, err
	case info.ContentType.Equal(oidEncryptedContent):
		var ed pfxEncryptedData
		if err := unmarshalAll(info.Content.Bytes, &ed); err != nil {
			return nil, err
		}
		return pfxDecrypt(ed.Info.Algorithm, ed.Info.Content, password)
	}
	return nil, fmt.Errorf("unsupported content type %v", info.ContentType)
}

// checkPFXMAC checks the HMAC over the authenticated safe, keyed by the
// PKCS#12 KDF. As the library does, an empty password is also tried as
// no password at all, which some tools use.
func checkPFXMAC(authSafe []byte, alg pkix.AlgorithmIdentifier, digest, salt []byte, rounds int, password string) error {
	if alg.Algorithm.Equal(oidPBMAC1) {
		return checkPBMAC1(authSafe, alg.Parameters.FullBytes, digest, password)
	}
	h, err := pfxHashFor(alg.Algorithm)
	if err != nil {
		return fmt.Errorf("MAC: %w", err)
	}
	if err := checkRounds(rounds); err != nil {
		return err
	}
	candidates := [][]byte{bmpPassword(password)}
	if password == "" {
		candidates = append(candidates, nil)
	}
	for _, pw := range candidates {
		key := pkcs12KDF(h, pw, salt, rounds, 3, h.new().Size())
		m := hmac.New(h.new, key)
		m.Write(authSafe)
		clear(key)
		if hmac.Equal(m.Sum(nil), digest) {
			return nil
		}
	}
	return errPFXPassword
}

// pbmac1Params are PBMAC1's parameters (RFC 8018, A.5).
type pbmac1Params struct{ KDF, MAC pkix.AlgorithmIdentifier }

// checkPBMAC1 checks a PBMAC1 MAC (RFC 9579): an HMAC keyed by PBKDF2 over
// the password's UTF-8 bytes, every parameter in the algorithm identifier.
func checkPBMAC1(authSafe, params, digest []byte, password string) error {
	var p pbmac1Params
	if err := unmarshalAll(params, &p); err != nil {
		return fmt.Errorf("PBMAC1 parameters: %w", err)
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return fmt.Errorf("PBMAC1: unsupported key derivation %v", p.KDF.Algorithm)
	}
	var kdf pbkdf2Params
	if err := unmarshalAll(p.KDF.Parameters.FullBytes, &kdf); err != nil {
		return fmt.Errorf("PBMAC1 key derivation: %w", err)
	}
	if err := checkRounds(kdf.Rounds); err != nil {
		return err
	}
	// RFC 9579 asks for a key of at least 20 bytes; a shorter one would let
	// a forged file pass with little work. Past 64, no HMAC here uses more.
	if kdf.KeyLen < 20 || kdf.KeyLen > 64 {
		return fmt.Errorf("PBMAC1 key length %d is outside 20 to 64", kdf.KeyLen)
	}
	prf, err := hmacHashFor(kdf.PRF.Algorithm)
	if err != nil {
		return fmt.Errorf("PBMAC1 key derivation: %w", err)
	}
	macHash, err := hmacHashFor(p.MAC.Algorithm)
	if err != nil || len(p.MAC.Algorithm) == 0 {
		return fmt.Errorf("PBMAC1: unsupported MAC %v", p.MAC.Algorithm)
	}
	key, err := pbkdf2.Key(prf, password, kdf.Salt, kdf.Rounds, kdf.KeyLen)
	if err != nil {
		return fmt.Errorf("PBMAC1 key derivation: %w", err)
	}
	m := hmac.New(macHash, key)
	m.Write(authSafe)
	clear(key)
	if !hmac.Equal(m.Sum(nil), digest) {
		return errPFXPassword
	}
	return nil
}
