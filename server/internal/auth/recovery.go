package auth

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
)

// RecoveryCodeCount is how many recovery codes an enrollment hands out.
const RecoveryCodeCount = 10

// recoveryEncoding is base32 in lower case: its digits (2-7) leave out
// 0, 1 and 8, easily mistaken for o, l and b.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewRecoveryCodes returns codes to show once ("xxxxx-xxxxx", 50 random
// bits each) and their hashes, the only form stored.
func NewRecoveryCodes() (codes, hashes []string, err error) {
	for range RecoveryCodeCount {
		buf := make([]byte, 7)
		if _, err := rand.Read(buf); err != nil {
			return nil, nil, fmt.Errorf("auth: recovery code: %w", err)
		}
		s := recoveryEncoding.EncodeToString(buf)[:10]
		code := s[:5] + "-" + s[5:]
		codes = append(codes, code)
		hashes = append(hashes, HashRecoveryCode(code))
	}
	return codes, hashes, nil
}

// HashRecoveryCode hashes a code as typed: case, spaces and the dash do
// not matter.
func HashRecoveryCode(typed string) string {
	s := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(typed)))
	return HashToken(s)
}

// LooksLikeRecoveryCode tells a recovery code from a TOTP code.
func LooksLikeRecoveryCode(typed string) bool {
	s := strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(typed))
	return len(s) == 10
}
