// Package wire holds the JSON types of the agent protocol: what an agent
// pulls from GET /api/v1/agent/targets and pushes to POST /api/v1/agent/results.
// Both the server and the agent import it, so the two sides cannot drift apart.
package wire

import "time"

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
	TargetID       string    `json:"target_id,omitempty"`
	DiscoveryJobID string    `json:"discovery_job_id,omitempty"`
	Address        string    `json:"address"`
	Port           int       `json:"port,omitempty"`
	Protocol       string    `json:"protocol,omitempty"`
	SNI            string    `json:"sni,omitempty"`
	ObservedAt     time.Time `json:"observed_at"`
	DurationMS     int64     `json:"duration_ms"`
	TLSVersion     string    `json:"tls_version,omitempty"`
	CipherSuite    string    `json:"cipher_suite,omitempty"`
	Chain          []string  `json:"chain"`
	Error          string    `json:"error,omitempty"`
	ErrorKind      string    `json:"error_kind,omitempty"`
}

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
