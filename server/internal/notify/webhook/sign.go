package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
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

// Standard Webhooks (https://www.standardwebhooks.com) headers, sent alongside ours so
// receivers can verify with an off-the-shelf library:
//
//	webhook-id:        notify.DeliveryID: stable across retries, the idempotency key
//	webhook-timestamp: decimal Unix seconds, the same value as X-Certinel-Timestamp
//	webhook-signature: v1,<base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))>
//
// The key comes from the channel's secret. A secret in the standard's own form,
// "whsec_" followed by base64, is that key decoded, as the standard's libraries do; any
// other secret is used as it is (its UTF-8 bytes, the same key as X-Certinel-Signature),
// and a receiver's library is then given "whsec_" + base64(secret).
func StandardSignature(secret, id string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, standardKey(secret))
	mac.Write([]byte(id))
	mac.Write([]byte("."))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func standardKey(secret string) []byte {
	if enc, ok := strings.CutPrefix(secret, "whsec_"); ok {
		if key, err := base64.StdEncoding.DecodeString(enc); err == nil && len(key) > 0 {
			return key
		}
	}
	return []byte(secret)
}
