package wire

// TokenPath is where an agent fetches its next agent token: POST, with its
// current credentials. The answer is a TokenResponse; the new token
// replaces the current one the first time a request carries it, and until
// then the current one keeps working, so an agent that fails to keep the
// new token loses nothing and may ask again.
const TokenPath = "api/v1/agent/token"

// TokenResponse carries a new agent token, shown this once.
type TokenResponse struct {
	Token string `json:"token"`
}
