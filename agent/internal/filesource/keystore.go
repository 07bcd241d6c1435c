package filesource

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"

	"certinel.dev/shared/wire"
)

// readPKCS12 reads a PKCS#12 file holding a private key and its chain (one
// item), or a Java trust store (one item per certificate). The library
// decrypts the key while parsing; it is wiped at once and never leaves this
// function.
func readPKCS12(data []byte, password string) ([]Item, error) {
	if err := checkPFXCost(data); err != nil {
		return nil, malformed("cannot read the PKCS#12 file: %v", err)
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, password)
	wipeKey(key)
	if err == nil {
		chain := [][]byte{bytes.Clone(leaf.Raw)}
		for _, c := range cas {
			chain = append(chain, bytes.Clone(c.Raw))
		}
		return []Item{{Format: wire.FileFormatPKCS12, Chain: chain}}, nil
	}
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		if password == "" {
			return nil, passwordError("the PKCS#12 file needs a password and none is configured for its pattern")
		}
		return nil, passwordError("wrong password for the PKCS#12 file")
	}
	// Not a key and its chain: perhaps a Java trust store, or certificates
	// without the Java attribute, which only pfxCertificates reads.
	certs, tsErr := pkcs12.DecodeTrustStore(data, password)
	if tsErr != nil {
		certs, tsErr = pfxCertificates(data, password)
	}
	switch {
	case errors.Is(tsErr, errPFXPassword) && password == "":
		return nil, passwordError("the PKCS#12 file needs a password and none is configured for its pattern")
	case errors.Is(tsErr, errPFXPassword):
		return nil, passwordError("wrong password for the PKCS#12 file (or the file was altered)")
	case tsErr != nil:
		return nil, malformed("cannot read the PKCS#12 file: %v", tsErr)
	}
	return numbered(certItems(certs, wire.FileFormatPKCS12)), nil
}

// readJKS reads a JKS keystore: each entry is one item named by its alias,
// the chain of a private-key entry or the certificate of a trusted entry.
// Private keys stay encrypted: the library is never asked to decrypt them.
func readJKS(data []byte, password string) ([]Item, error) {
	// The library sizes its buffers from the lengths in the file; checking
	// them first keeps a damaged file from allocating gigabytes.
	if err := checkJKSFrame(data); err != nil {
		return nil, malformed("not a valid JKS keystore: %v", err)
	}
	if password == "" {
		return nil, passwordError("the JKS keystore needs a password and none is configured for its pattern")
	}
	ks := keystore.New(keystore.WithOrderedAliases(), keystore.WithCaseExactAliases())
	pw := []byte(password)
	err := ks.Load(bytes.NewReader(data), pw)
	clear(pw)
	if err != nil {
		// The frame is sound, so what fails is the keyed digest.
		return nil, passwordError("wrong password for the JKS keystore (or the file was altered)")
	}
	var items []Item
	for _, alias := range ks.Aliases() {
		var ders [][]byte
		if ks.IsPrivateKeyEntry(alias) {
			chain, err := ks.GetPrivateKeyEntryCertificateChain(alias)
			if err != nil {
				return nil, malformed("entry %q: %v", alias, err)
			}
			for _, c := range chain {
				ders = append(ders, c.Content)
			}
		} else if entry, err := ks.GetTrustedCertificateEntry(alias); err == nil {
			ders = [][]byte{entry.Certificate.Content}
		}
		if len(ders) == 0 {
			continue // no other kind of entry holds a certificate
		}
		item, err := entryItem(alias, wire.FileFormatJKS, ders)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}

// entryItem makes the item of a Java keystore entry from its certificates,
// leaf first, checking each parses.
func entryItem(alias, format string, ders [][]byte) (Item, error) {
	chain := make([][]byte, len(ders))
	for i, der := range ders {
		if _, err := x509.ParseCertificate(der); err != nil {
			return Item{}, malformed("entry %q: certificate %d is not valid: %v", alias, i+1, err)
		}
		chain[i] = bytes.Clone(der)
	}
	return Item{Entry: alias, Format: format, Chain: chain}, nil
}

// wipeKey zeroes what a private key exposes. Go keeps internal copies it
// cannot reach; this shortens how long the rest stays in memory.
func wipeKey(key any) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		wipeInt(k.D)
		for _, p := range k.Primes {
			wipeInt(p)
		}
		wipeInt(k.Precomputed.Dp)
		wipeInt(k.Precomputed.Dq)
		wipeInt(k.Precomputed.Qinv)
	case *ecdsa.PrivateKey:
		wipeInt(k.D)
	case ed25519.PrivateKey:
		clear(k)
	}
}

func wipeInt(n *big.Int) {
	if n != nil {
		clear(n.Bits())
	}
}
