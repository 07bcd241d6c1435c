package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPasswords(t *testing.T) {
	// A server hashes at full cost; this test binary would not (hashCost).
	h, err := hashPassword("correct horse battery", argonCost{time: argonTime, memory: argonMemory})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	if cheap, err := HashPassword("x"); err != nil || !strings.HasPrefix(cheap, "$argon2id$v=19$m=8,t=1,p=1$") || CheckPassword(cheap, "x") != nil {
		t.Fatalf("a test binary's hash %s: %v", cheap, err)
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

func TestBackoff(t *testing.T) {
	now := time.Unix(1000, 0)
	b := NewBackoff(5, time.Second, 10*time.Second)
	b.now = func() time.Time { return now }
	for i := 0; i < 5; i++ {
		b.Fail("ip\x00owner")
		if w := b.Wait("ip\x00owner"); w != 0 {
			t.Fatalf("free failure %d delays %v", i+1, w)
		}
	}
	for i, want := range []time.Duration{1, 2, 4, 8, 10, 10} {
		b.Fail("ip\x00owner")
		if w := b.Wait("ip\x00owner"); w != want*time.Second {
			t.Fatalf("failure %d beyond the free ones: wait %v, want %vs", i+1, w, want)
		}
	}
	if w := b.Wait("other ip\x00owner"); w != 0 {
		t.Fatalf("another source waits %v", w)
	}
	now = now.Add(10 * time.Second)
	if w := b.Wait("ip\x00owner"); w != 0 {
		t.Fatalf("still waiting %v after the delay", w)
	}
	b.Fail("ip\x00owner") // the count goes on: the next failure waits the ceiling again
	if w := b.Wait("ip\x00owner"); w != 10*time.Second {
		t.Fatalf("failure after the delay: wait %v", w)
	}
	b.Reset("ip\x00owner")
	b.Fail("ip\x00owner")
	if w := b.Wait("ip\x00owner"); w != 0 {
		t.Fatalf("a success did not forget the failures: wait %v", w)
	}
}

func TestBackoffBounded(t *testing.T) {
	now := time.Unix(1000, 0)
	b := NewBackoff(0, time.Minute, time.Hour)
	b.now = func() time.Time { return now }
	b.limit = 3
	for _, k := range []string{"a", "b", "c", "d"} {
		b.Fail(k)
	}
	if len(b.keys) != 3 || b.Wait("d") != 0 {
		t.Fatalf("full table tracked %d keys, d waits %v", len(b.keys), b.Wait("d"))
	}
	now = now.Add(2 * time.Minute) // every delay has passed
	b.Fail("e")
	if len(b.keys) != 1 || b.Wait("e") != time.Minute {
		t.Fatalf("sweep kept %d keys, e waits %v", len(b.keys), b.Wait("e"))
	}
}
