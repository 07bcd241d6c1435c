package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"short text unchanged", "CN=db.internal", 64, "CN=db.internal"},
		{"ASCII cut", "abcdef", 3, "abc"},
		{"cut never splits a character", "ab€", 4, "ab"},
		{"a character ending at the limit stays", "ab€", 5, "ab€"},
		{"NUL marked", "a\x00b", 64, "a\uFFFDb"},
		{"invalid UTF-8 replaced", "a\xff\xfeb", 64, "a\uFFFDb"},
		{"replacement counted in the limit", "\x00\x00", 4, "\uFFFD"},
		{"zero limit", "abc", 0, ""},
		{"negative limit", "abc", -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fit(tc.in, tc.max); got != tc.want {
				t.Errorf("Fit(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func FuzzFit(f *testing.F) {
	f.Add("CN=a\x00b", 4)
	f.Add(strings.Repeat("é", 600), 1024)
	f.Add("\xe2\x82", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 2048
		got := Fit(s, n)
		if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 {
			t.Fatalf("Fit(%q, %d) = %q: not storable", s, n, got)
		}
		if len(got) > max(n, 0) {
			t.Fatalf("Fit(%q, %d) = %q: %d bytes", s, n, got, len(got))
		}
		if clean := Clean(s); !strings.HasPrefix(clean, got) {
			t.Fatalf("Fit(%q, %d) = %q: not a prefix of %q", s, n, got, clean)
		}
	})
}
