package certs

import "strings"

// PostQuantum says whether a key exchange group, as Go's tls.CurveID names
// it, resists a quantum computer: a hybrid such as X25519MLKEM768,
// SecP256r1MLKEM768 and SecP384r1MLKEM1024, or ML-KEM alone. Every such
// group standardised for TLS carries ML-KEM in its name; the classical
// ones (X25519, CurveP256, ..., and "RSA" for RSA key exchange) do not.
// An empty group (not reported) is not ready either.
func PostQuantum(group string) bool {
	return strings.Contains(strings.ToUpper(group), "MLKEM")
}
