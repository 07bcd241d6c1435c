package wire

import "time"

// Kinds of RevocationFetch.
const (
	RevocationKindCRL  = "crl"
	RevocationKindOCSP = "ocsp"
)

// Bounds of a revocation fetch, the same whether the server or an agent
// makes it. The largest public CRLs are a few megabytes; one signed OCSP
// answer with a responder certificate is a few kilobytes; a server that
// hangs costs one timeout.
const (
	MaxCRLBytes          = 20 << 20
	MaxOCSPResponseBytes = 64 << 10
	RevocationTimeout    = 10 * time.Second
)

// RevocationFetch asks the agent to fetch a CRL (GET URL) or an OCSP
// answer (POST OCSPRequest, application/ocsp-request, to URL) and push
// what it got to POST /api/v1/agent/revocation.
type RevocationFetch struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	URL  string `json:"url"`
	// OCSPRequest is the DER request (base64 on the wire); nil for a CRL.
	OCSPRequest []byte `json:"ocsp_request,omitempty"`
}

// RevocationPush is the body of POST /api/v1/agent/revocation: the raw
// bytes the URL of fetch ID answered (base64 on the wire), or why the
// agent got none.
type RevocationPush struct {
	ID    string `json:"id"`
	Body  []byte `json:"body,omitempty"`
	Error string `json:"error,omitempty"`
}

// MaxRevocationPushJSON bounds the JSON of a push: the largest CRL in
// base64 with room for the rest.
const MaxRevocationPushJSON = MaxCRLBytes/3*4 + 64<<10

// RevocationPushResponse acknowledges a push: the server verified and
// recorded it (an answer that does not verify is recorded as such).
type RevocationPushResponse struct {
	Accepted bool `json:"accepted"`
}
