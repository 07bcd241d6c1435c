package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// Token prefixes make a leaked secret recognisable (and scannable by secret
// scanners): cnl_api_ for API tokens, cnl_agt_ for agent tokens, cnl_ses_
// for session cookies, cnl_inv_ for invitations, cnl_join_ for agents' join
// tokens, cnl_pwr_ for password reset links, cnl_2fa_ for the pending
// second step of a login.
const (
	PrefixAPIToken   = "cnl_api_"
	PrefixAgentToken = "cnl_agt_"
	PrefixSession    = "cnl_ses_"
	PrefixInvitation = "cnl_inv_"
	PrefixJoinToken  = "cnl_join_"
	PrefixReset      = "cnl_pwr_"
	PrefixChallenge  = "cnl_2fa_"
)

// displayLen is how many random characters stay in clear after the prefix
// so that people can tell their tokens apart.
const displayLen = 4

// NewToken returns a fresh secret with the given prefix, its SHA-256 hash
// (the only form stored) and a short display prefix.
func NewToken(prefix string) (secret, hash, display string, err error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", "", "", fmt.Errorf("auth: random token: %w", err)
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(buf)
	return secret, HashToken(secret), secret[:len(prefix)+displayLen], nil
}

// HashToken is the stored form of a token. Lookups go by this hash, so the
// database compares hashes, never secrets; a guess leaks nothing by timing.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CSRFToken derives the CSRF token of a session from the session secret, so
// only the holder of the cookie can know it and nothing extra is stored.
func CSRFToken(sessionSecret string) string {
	mac := hmac.New(sha256.New, []byte(sessionSecret))
	mac.Write([]byte("certinel csrf v1"))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CheckCSRF compares a presented CSRF token in constant time.
func CheckCSRF(sessionSecret, presented string) bool {
	return subtle.ConstantTimeCompare([]byte(CSRFToken(sessionSecret)), []byte(presented)) == 1
}
