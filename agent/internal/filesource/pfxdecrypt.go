package filesource

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"unicode/utf16"
)

// Algorithm identifiers met in PKCS#12 files (RFC 7292, RFC 8018).
var (
	oidSHA1                = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256              = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384              = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512              = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidHMACSHA1            = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256          = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384          = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512          = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidPBES2               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidAES128CBC           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidPBEWithSHA3DES      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}
	oidPBEWithSHARC2128Bit = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 5}
	oidPBEWithSHARC240Bit  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 6}
)

// errDecrypt is a decryption whose padding came out wrong: the usual sign
// of a wrong password.
var errDecrypt = errors.New("decryption failed")

// pfxHash is a digest the PKCS#12 key derivation and MAC use, with its
// input block size (the KDF's v).
type pfxHash struct {
	new       func() hash.Hash
	blockSize int
}

func pfxHashFor(oid asn1.ObjectIdentifier) (pfxHash, error) {
	switch {
	case oid.Equal(oidSHA1):
		return pfxHash{sha1.New, 64}, nil
	case oid.Equal(oidSHA256):
		return pfxHash{sha256.New, 64}, nil
	case oid.Equal(oidSHA384):
		return pfxHash{sha512.New384, 128}, nil
	case oid.Equal(oidSHA512):
		return pfxHash{sha512.New, 128}, nil
	}
	return pfxHash{}, fmt.Errorf("unsupported digest %v", oid)
}

// checkRounds bounds a key derivation's iteration count, as checkPFXCost
// does for the MAC: a file without a MAC reaches decryption unchecked.
func checkRounds(n int) error {
	if n < 1 || n > maxMACIterations {
		return fmt.Errorf("it asks for %d key-derivation rounds, outside the 1 to %d the agent allows", n, maxMACIterations)
	}
	return nil
}

// pkcs12KDF derives size bytes for purpose id (1 key, 2 IV, 3 MAC key)
// from a BMPString password, as RFC 7292 appendix B.2 defines.
func pkcs12KDF(h pfxHash, password, salt []byte, rounds int, id byte, size int) []byte {
	v := h.blockSize
	fill := func(src []byte) []byte {
		if len(src) == 0 {
			return nil
		}
		out := make([]byte, v*((len(src)+v-1)/v))
		for i := range out {
			out[i] = src[i%len(src)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(fill(salt), fill(password)...)
	defer clear(in)
	var out []byte
	one := big.NewInt(1)
	for len(out) < size {
		a := h.new()
		a.Write(d)
		a.Write(in)
		sum := a.Sum(nil)
		for range rounds - 1 {
			a.Reset()
			a.Write(sum)
			sum = a.Sum(sum[:0])
		}
		out = append(out, sum...)
		if len(out) >= size {
			break
		}
		// Each v-byte block of in becomes (block + B + 1) mod 2^(8v),
		// B being sum repeated to v bytes.
		b := new(big.Int).SetBytes(fill(sum)[:v])
		b.Add(b, one)
		for j := 0; j < len(in); j += v {
			block := new(big.Int).SetBytes(in[j : j+v])
			block.Add(block, b)
			raw := block.Bytes()
			if len(raw) > v {
				raw = raw[len(raw)-v:]
			}
			clear(in[j : j+v])
			copy(in[j+v-len(raw):j+v], raw)
		}
	}
	return out[:size]
}

// bmpPassword is the password as PKCS#12 keys it: UTF-16BE with a
// terminating zero.
func bmpPassword(password string) []byte {
	units := utf16.Encode([]rune(password))
	out := make([]byte, 2*len(units)+2)
	for i, u := range units {
		out[2*i], out[2*i+1] = byte(u>>8), byte(u)
	}
	return out
}

// pfxDecrypt decrypts encrypted SafeContents with the algorithm that
// encrypted them: PBES2 (PBKDF2 and AES-CBC), or the legacy PKCS#12
// schemes (SHA-1 with 3DES or RC2).
func pfxDecrypt(alg pkix.AlgorithmIdentifier, data []byte, password string) ([]byte, error) {
	var block cipher.Block
	var iv []byte
	var err error
	if alg.Algorithm.Equal(oidPBES2) {
		block, iv, err = pbes2Cipher(alg.Parameters.FullBytes, password)
	} else {
		block, iv, err = legacyPBECipher(alg, password)
	}
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	if len(data) == 0 || len(data)%bs != 0 || len(iv) != bs {
		return nil, errors.New("encrypted content is not whole cipher blocks")
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad == 0 || pad > bs {
		return nil, errDecrypt
	}
	for _, b := range out[len(out)-pad:] {
		if int(b) != pad {
			return nil, errDecrypt
		}
	}
	return out[:len(out)-pad], nil
}

func legacyPBECipher(alg pkix.AlgorithmIdentifier, password string) (cipher.Block, []byte, error) {
	var params struct {
		Salt   []byte
		Rounds int
	}
	if err := unmarshalAll(alg.Parameters.FullBytes, &params); err != nil {
		return nil, nil, fmt.Errorf("PBE parameters: %w", err)
	}
	if err := checkRounds(params.Rounds); err != nil {
		return nil, nil, err
	}
	h := pfxHash{sha1.New, 64}
	pw := bmpPassword(password)
	defer clear(pw)
	derive := func(id byte, size int) []byte { return pkcs12KDF(h, pw, params.Salt, params.Rounds, id, size) }
	switch {
	case alg.Algorithm.Equal(oidPBEWithSHA3DES):
		block, err := des.NewTripleDESCipher(derive(1, 24))
		return block, derive(2, 8), err
	case alg.Algorithm.Equal(oidPBEWithSHARC240Bit):
		return newRC2(derive(1, 5), 40), derive(2, 8), nil
	case alg.Algorithm.Equal(oidPBEWithSHARC2128Bit):
		return newRC2(derive(1, 16), 128), derive(2, 8), nil
	}
	return nil, nil, fmt.Errorf("unsupported encryption %v", alg.Algorithm)
}

// pbkdf2Params are PBKDF2's parameters (RFC 8018, A.2), as PBES2 and
// PBMAC1 give them; only a salt given as an OCTET STRING is read.
type pbkdf2Params struct {
	Salt   []byte
	Rounds int
	KeyLen int                      `asn1:"optional"`
	PRF    pkix.AlgorithmIdentifier `asn1:"optional"`
}

func pbes2Cipher(raw []byte, password string) (cipher.Block, []byte, error) {
	var params struct {
		KDF, Scheme pkix.AlgorithmIdentifier
	}
	if err := unmarshalAll(raw, &params); err != nil {
		return nil, nil, fmt.Errorf("PBES2 parameters: %w", err)
	}
	if !params.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, nil, fmt.Errorf("unsupported key derivation %v", params.KDF.Algorithm)
	}
	var kdf pbkdf2Params
	if err := unmarshalAll(params.KDF.Parameters.FullBytes, &kdf); err != nil {
		return nil, nil, fmt.Errorf("PBKDF2 parameters: %w", err)
	}
	if err := checkRounds(kdf.Rounds); err != nil {
		return nil, nil, err
	}
	prf, err := hmacHashFor(kdf.PRF.Algorithm)
	if err != nil {
		return nil, nil, fmt.Errorf("PBKDF2: %w", err)
	}
	var keyLen int
	switch a := params.Scheme.Algorithm; {
	case a.Equal(oidAES128CBC):
		keyLen = 16
	case a.Equal(oidAES192CBC):
		keyLen = 24
	case a.Equal(oidAES256CBC):
		keyLen = 32
	default:
		return nil, nil, fmt.Errorf("unsupported encryption %v", a)
	}
	var iv []byte
	if err := unmarshalAll(params.Scheme.Parameters.FullBytes, &iv); err != nil {
		return nil, nil, fmt.Errorf("AES parameters: %w", err)
	}
	// PBES2 keys the password as its UTF-8 bytes, unlike the legacy schemes.
	key, err := pbkdf2.Key(prf, password, kdf.Salt, kdf.Rounds, keyLen)
	if err != nil {
		return nil, nil, err
	}
	defer clear(key)
	block, err := aes.NewCipher(key)
	return block, iv, err
}

// hmacHashFor names the digest of an HMAC algorithm identifier; PBKDF2's
// default when none is given is HMAC-SHA-1.
func hmacHashFor(oid asn1.ObjectIdentifier) (func() hash.Hash, error) {
	switch {
	case len(oid) == 0 || oid.Equal(oidHMACSHA1):
		return sha1.New, nil
	case oid.Equal(oidHMACSHA256):
		return sha256.New, nil
	case oid.Equal(oidHMACSHA384):
		return sha512.New384, nil
	case oid.Equal(oidHMACSHA512):
		return sha512.New, nil
	}
	return nil, fmt.Errorf("unsupported HMAC %v", oid)
}

// unmarshalAll decodes DER that must hold exactly one value.
func unmarshalAll(der []byte, v any) error {
	rest, err := asn1.Unmarshal(der, v)
	if err == nil && len(rest) != 0 {
		err = errors.New("trailing data")
	}
	return err
}
