package filesource

import (
	"encoding/asn1"
	"fmt"
)

// maxMACIterations bounds the key-derivation rounds of a PKCS#12 file's
// MAC. The library derives the MAC key with whatever count the file states,
// before it can tell the password is right, so a crafted file could stall
// the cycle for hours; real files use 2048 to a few hundred thousand, and
// ten million rounds take a few seconds. A PBMAC1 MAC states its count in
// its PBKDF2 parameters instead, bounded the same. (Counts of the encrypted
// contents are not bounded here: the library reaches them only once the
// MAC proved the file was made with the configured password.)
const maxMACIterations = 10_000_000

// checkPFXCost refuses a PKCS#12 file whose MAC asks for more rounds than
// maxMACIterations.
func checkPFXCost(data []byte) error {
	var pfx pfxFile
	if _, err := asn1.Unmarshal(data, &pfx); err != nil {
		return nil // the library reports the malformed structure itself
	}
	n := pfx.MacData.Rounds
	if alg := pfx.MacData.Mac.Algorithm; alg.Algorithm.Equal(oidPBMAC1) {
		var params pbmac1Params
		var kdf pbkdf2Params
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &params); err != nil {
			return nil
		}
		if _, err := asn1.Unmarshal(params.KDF.Parameters.FullBytes, &kdf); err != nil {
			return nil
		}
		n = kdf.Rounds
	}
	if n > maxMACIterations {
		return fmt.Errorf("its MAC asks for %d key-derivation rounds, more than the %d the agent allows", n, maxMACIterations)
	}
	return nil
}
