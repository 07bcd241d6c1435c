package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Signature is the X-Certinel-Signature header of a request. This is the contract
// receivers implement, so it must never change within a version:
//
//	X-Certinel-Timestamp: <t>   decimal Unix seconds when the request was signed
//	X-Certinel-Signature: sha256=<hex(HMAC-SHA256(key = secret, message = t + "." + body))>
//
// where t is the timestamp header exactly as sent, "." is one ASCII full stop, body is
// the raw request body bytes, and hex is lower case. A receiver recomputes the HMAC from
// the raw body (before parsing it), compares it with hmac.Equal or another constant-time
// comparison, and rejects timestamps more than 5 minutes from its own clock, so a
// captured request cannot be replayed later. Signing the timestamp along with the body
// is what makes that check trustworthy.
func Signature(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
