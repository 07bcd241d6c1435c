package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if err := CheckPassword(h, "correct horse battery"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := CheckPassword(h, "correct horse batterY"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	other, _ := HashPassword("correct horse battery")
	if other == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		if err := CheckPassword(bad, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("malformed hash %q: %v", bad, err)
		}
	}
}

func TestTokens(t *testing.T) {
	secret, hash, display, err := NewToken(PrefixAPIToken)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "cnl_api_") || len(secret) < 40 || hash != HashToken(secret) || !strings.HasPrefix(secret, display) || len(display) != len(PrefixAPIToken)+4 {
		t.Fatalf("token %q hash %q display %q", secret, hash, display)
	}
	if strings.Contains(hash, secret) || len(hash) != 64 {
		t.Fatalf("hash %q", hash)
	}
	csrf := CSRFToken(secret)
	if !CheckCSRF(secret, csrf) || CheckCSRF(secret, csrf[:len(csrf)-1]) || CheckCSRF("other", csrf) || CheckCSRF(secret, "") {
		t.Fatal("CSRF check")
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewLimiter(time.Minute, 3)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("ip"); !ok {
			t.Fatalf("attempt %d refused within the burst", i)
		}
	}
	ok, wait := l.Allow("ip")
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("fourth attempt: %v %v", ok, wait)
	}
	if ok, _ := l.Allow("other ip"); !ok {
		t.Fatal("keys share a bucket")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Allow("ip"); !ok {
		t.Fatal("no refill after the interval")
	}
}
