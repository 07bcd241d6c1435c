package certs

import "testing"

func TestPostQuantum(t *testing.T) {
	for group, want := range map[string]bool{
		"X25519MLKEM768":     true,
		"SecP256r1MLKEM768":  true,
		"SecP384r1MLKEM1024": true,
		"MLKEM1024":          true,
		"X25519":             false,
		"CurveP256":          false,
		"CurveID(25497)":     false, // the withdrawn Kyber draft: Go no longer names it
		"":                   false,
	} {
		if got := PostQuantum(group); got != want {
			t.Errorf("PostQuantum(%q) = %v, want %v", group, got, want)
		}
	}
}
