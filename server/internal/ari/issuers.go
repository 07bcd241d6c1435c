package ari

import "crypto/x509"

// Directories of the public CAs that serve ARI, built in.
const (
	LetsEncryptDirectory = "https://acme-v02.api.letsencrypt.org/directory"
	GoogleTrustDirectory = "https://dv.acme-v02.api.pki.goog/directory"
)

// builtinIssuers maps the organization name of a public CA's issuing
// certificates to its ACME directory. The name, not a list of intermediate
// key identifiers, because these CAs rotate their intermediates every year
// or so (Let's Encrypt R10–R14, E5–E9; Google WR1, WE1...) and a list would
// go stale silently, while the organization name has stayed the same.
// Anyone can write any name into a certificate of their own CA; the worst
// that buys is a lookup the real CA answers with 404, which backs off.
var builtinIssuers = map[string]string{
	"Let's Encrypt":             LetsEncryptDirectory,
	"Google Trust Services":     GoogleTrustDirectory,
	"Google Trust Services LLC": GoogleTrustDirectory,
}

// BuiltinDirectory returns the ACME directory of the public CA that issued
// leaf, if one is built in.
func BuiltinDirectory(leaf *x509.Certificate) (string, bool) {
	for _, org := range leaf.Issuer.Organization {
		if dir, ok := builtinIssuers[org]; ok {
			return dir, true
		}
	}
	return "", false
}
