// Package wire holds the JSON types of the agent protocol: what an agent
// pulls from GET /api/v1/agent/targets and pushes to POST /api/v1/agent/results.
// Both the server and the agent import it, so the two sides cannot drift apart.
package wire

import (
	"net/http"
	"strconv"
	"time"
)

// UserAgentPrefix starts the User-Agent header of every agent request; the
// server reads the agent version from what follows it.
const UserAgentPrefix = "certinel-agent/"

// AgentTokenHeader carries the agent token next to the API token.
const AgentTokenHeader = "X-Agent-Token"

// TargetsResponse is the answer to GET /api/v1/agent/targets.
type TargetsResponse struct {
	Agent           AgentInfo      `json:"agent"`
	IntervalSeconds int            `json:"interval_seconds"`
	Targets         []Target       `json:"targets"`
	Discovery       []DiscoveryJob `json:"discovery"`
	// RevocationFetches are CRLs and OCSP answers the server cannot reach
	// and asks the agent to fetch; agents from before them ignore the
	// field.
	RevocationFetches []RevocationFetch `json:"revocation_fetches,omitempty"`
}

// AgentInfo names the agent the credentials belong to.
type AgentInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Target is one endpoint the agent must handshake with.
type Target struct {
	ID        string `json:"id"`
	Host      string `json:"host"`
	Port      int    `json:"port"`
	Protocol  string `json:"protocol"`
	SNI       string `json:"sni"`
	TimeoutMS int    `json:"timeout_ms"`
}

// DiscoveryJob asks the agent to sweep hosts and ports for TLS services.
type DiscoveryJob struct {
	ID              string   `json:"id"`
	Hosts           []string `json:"hosts"`
	Ports           string   `json:"ports"`
	IntervalSeconds int      `json:"interval_seconds"`
	RatePerSecond   int      `json:"rate_per_second"`
}

// ResultsRequest is the body of POST /api/v1/agent/results.
type ResultsRequest struct {
	BatchID      string   `json:"batch_id"`
	AgentVersion string   `json:"agent_version"`
	Results      []Result `json:"results"`
}

// Result is the outcome of one handshake. Chain holds the certificates as the
// peer presented them, leaf first, each base64 (standard encoding) of the DER.
// The chain stays a list of strings on the wire so that one corrupt entry is
// rejected alone instead of failing the decoding of the whole batch.
type Result struct {
	TargetID       string `json:"target_id,omitempty"`
	DiscoveryJobID string `json:"discovery_job_id,omitempty"`
	// Address is the "ip:port" the probe connected to (or, for a backend
	// that could not be reached, tried); empty when the name did not resolve.
	Address string `json:"address"`
	// Backends is how many addresses the target's name resolved to when the
	// agent probed each of them (one result per address, at most
	// probe.MaxBackends); 0 when the name was probed once, as it stands.
	Backends    int       `json:"backends,omitempty"`
	Port        int       `json:"port,omitempty"`
	Protocol    string    `json:"protocol,omitempty"`
	SNI         string    `json:"sni,omitempty"`
	ObservedAt  time.Time `json:"observed_at"`
	DurationMS  int64     `json:"duration_ms"`
	TLSVersion  string    `json:"tls_version,omitempty"`
	CipherSuite string    `json:"cipher_suite,omitempty"`
	// KeyExchange is the negotiated key exchange group as Go names it
	// ("X25519MLKEM768", "X25519", "CurveP256"); agents from before it send none.
	KeyExchange string   `json:"key_exchange,omitempty"`
	Chain       []string `json:"chain"`
	Error       string   `json:"error,omitempty"`
	ErrorKind   string   `json:"error_kind,omitempty"`
	// OCSPStaple is the OCSP response the peer stapled in the handshake,
	// base64 (standard encoding) of the DER; OCSPStapleDropped is the size
	// in bytes of one the prober dropped for being over MaxOCSPStaple.
	// Agents from before stapling send neither.
	OCSPStaple        string `json:"ocsp_staple,omitempty"`
	OCSPStapleDropped int    `json:"ocsp_staple_dropped,omitempty"`
	// File is set for certificates read from a file on the agent's host
	// instead of a handshake; TargetID, DiscoveryJobID, Address and the
	// handshake fields are then empty. Chain holds the item's certificates,
	// leaf first, as for a handshake; Error and ErrorKind (one of the
	// FileKind values) say why a file could not be read.
	File *FileItem `json:"file,omitempty"`
}

// FileItem names one certificate item read from a file. The agent's own
// configuration names the files (never the server), so a compromised
// server cannot make agents read files.
type FileItem struct {
	Host string `json:"host"` // the agent host's name
	// Path is the file's absolute path, or the configured pattern when
	// it matched nothing (ErrorKind file_missing).
	Path string `json:"path"`
	// Entry tells items of one file apart: a keystore's alias, or "#2"
	// for the second of several certificates that do not form one chain.
	// Empty for a file that holds one chain.
	Entry  string `json:"entry,omitempty"`
	Format string `json:"format"` // one of the FileFormat values
	// CRL is a CRL file's content, base64 (standard encoding) of the DER;
	// Chain is then empty.
	CRL string `json:"crl,omitempty"`
}

// Formats of FileItem.Format.
const (
	FileFormatPEM    = "pem"
	FileFormatDER    = "der"
	FileFormatPKCS12 = "pkcs12"
	FileFormatJKS    = "jks"
	FileFormatJCEKS  = "jceks"
	FileFormatCRL    = "crl"
)

// Error kinds of a file that could not be read.
const (
	FileKindMissing    = "file_missing"    // the path or pattern matched no file
	FileKindUnreadable = "file_unreadable" // permission denied, a directory, an I/O error
	FileKindMalformed  = "file_malformed"  // not a certificate, keystore or CRL the agent can parse
	FileKindPassword   = "file_password"   // a keystore whose password is missing or wrong
	FileKindTooLarge   = "file_too_large"  // over MaxFileSize
)

// MaxFileSize bounds a file an agent reads: the largest CA bundles and
// keystores are a few megabytes.
const MaxFileSize = 16 << 20

// MaxOCSPStaple bounds a stapled OCSP response (DER): one signed answer
// with at most a responder certificate is a few kilobytes, so more is a
// misconfiguration or an attack on the prober's memory.
const MaxOCSPStaple = 64 << 10

// ResultsResponse tells the agent how much of a batch was stored.
type ResultsResponse struct {
	Accepted int         `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
}

// Rejection names one result the server refused, by its index in the batch.
type Rejection struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// Headers of GET /api/v1/agent/targets by which an agent reports the result
// batches it set aside ("parked") because the server kept failing on them,
// so the dashboard can show that results are missing. An agent that parks
// sends both on every check-in: the count (0 when none) and, when there are
// any, the RFC 3339 time the oldest of them was written (about when its
// results were taken). Agents from before parking send neither; the server
// then keeps what it had.
const (
	ParkedBatchesHeader = "X-Certinel-Parked-Batches"
	ParkedOldestHeader  = "X-Certinel-Parked-Oldest"
)

// Parked is what those headers carry.
type Parked struct {
	Batches int
	Oldest  time.Time // zero when Batches is 0
}

// SetHeader writes p into the headers of a check-in.
func (p Parked) SetHeader(h http.Header) {
	h.Set(ParkedBatchesHeader, strconv.Itoa(p.Batches))
	if p.Batches > 0 && !p.Oldest.IsZero() {
		h.Set(ParkedOldestHeader, p.Oldest.UTC().Format(time.RFC3339))
	}
}

// ParkedFromHeader reads the report of a check-in. ok is false when the agent
// sent none or an unreadable count; an unreadable time is left zero.
func ParkedFromHeader(h http.Header) (p Parked, ok bool) {
	n, err := strconv.Atoi(h.Get(ParkedBatchesHeader))
	if err != nil || n < 0 {
		return Parked{}, false
	}
	p.Batches = n
	if n > 0 {
		p.Oldest, _ = time.Parse(time.RFC3339, h.Get(ParkedOldestHeader))
	}
	return p, true
}
