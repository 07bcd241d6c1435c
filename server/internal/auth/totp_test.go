package auth

import (
	"strings"
	"testing"
	"time"
)

func TestMatchTOTP(t *testing.T) {
	enr, err := NewTOTP("Certinel", "a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enr.URI, "otpauth://totp/Certinel:a@example.com?") || !strings.HasPrefix(enr.QRPNG, "data:image/png;base64,") {
		t.Fatalf("enrollment %+v", enr)
	}
	now := time.Unix(1_800_000_000, 0)
	step := TOTPStep(now)
	for _, tc := range []struct {
		step int64
		ok   bool
	}{{step - 2, false}, {step - 1, true}, {step, true}, {step + 1, true}, {step + 2, false}} {
		code, err := TOTPCode(enr.Secret, tc.step)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := MatchTOTP(enr.Secret, code[:3]+" "+code[3:], now)
		if ok != tc.ok || (ok && got != tc.step) {
			t.Errorf("code of step %+d: matched %v at %d", tc.step-step, ok, got-step)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := MatchTOTP(enr.Secret, bad, now); ok {
			t.Errorf("%q matched", bad)
		}
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, hashes, err := NewRecoveryCodes()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 11 || c[5] != '-' || !LooksLikeRecoveryCode(c) || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
		if hashes[i] != HashRecoveryCode(" "+strings.ToUpper(strings.ReplaceAll(c, "-", ""))+" ") || strings.Contains(hashes[i], c) {
			t.Errorf("hash of %q does not ignore case, dash and spaces", c)
		}
	}
	if len(codes) != RecoveryCodeCount || LooksLikeRecoveryCode("123456") {
		t.Errorf("%d codes; a TOTP code looks like a recovery code", len(codes))
	}
}
