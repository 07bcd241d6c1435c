package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: what every authenticator app understands (RFC 6238
// defaults).
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew is how many steps before and after now a code is accepted,
	// for clocks a little apart.
	totpSkew = 1
)

// TOTPEnrollment is a fresh secret with the ways of handing it to an
// authenticator app.
type TOTPEnrollment struct {
	Secret string // base32, also the key typed by hand
	URI    string // otpauth://
	QRPNG  string // data: URI of the QR code of URI
}

// NewTOTP makes a secret for account (the user's email) at issuer.
func NewTOTP(issuer, account string) (TOTPEnrollment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("auth: TOTP secret: %w", err)
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return TOTPEnrollment{}, fmt.Errorf("auth: TOTP QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPEnrollment{}, fmt.Errorf("auth: TOTP QR code: %w", err)
	}
	return TOTPEnrollment{Secret: key.Secret(), URI: key.URL(),
		QRPNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// MatchTOTP checks a six-digit code against secret at now and returns the
// time step it belongs to, so the caller can refuse a second use of that
// step (see store.UseTOTPStep). Every candidate step is compared, in
// constant time, whichever matches.
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		want, err := TOTPCode(secret, s)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

// TOTPCode is the code of secret at a time step.
func TOTPCode(secret string, step int64) (string, error) {
	code, err := hotp.GenerateCodeCustom(secret, uint64(step), hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("auth: TOTP code: %w", err)
	}
	return code, nil
}

// TOTPStep is the time step of t, for tests and callers that make codes.
func TOTPStep(t time.Time) int64 { return t.Unix() / totpPeriod }
