// Package safetext makes text from agents, certificates and other peers fit
// for storing and showing: PostgreSQL refuses a TEXT value holding a NUL byte
// or invalid UTF-8, and a byte cut inside a multibyte character makes
// invalid UTF-8 of valid text.
package safetext

import (
	"strings"
	"unicode/utf8"
)

// Clean replaces invalid UTF-8 and NUL bytes with U+FFFD. A NUL is marked
// rather than dropped so that "a.example\x00.evil" never reads as
// "a.example.evil".
func Clean(s string) string {
	if Storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// Storable reports whether s is valid UTF-8 without NUL, as both databases
// can store it.
func Storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// Fit cleans s and cuts it to at most maxBytes bytes, on a character
// boundary.
func Fit(s string, maxBytes int) string {
	s = Clean(s)
	if len(s) <= maxBytes {
		return s
	}
	cut := max(maxBytes, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
