package certs

import (
	"testing"

	"certinel.dev/server/internal/lifecycle"
)

// BenchmarkJudge is the per-result cost of ingest: one 3-certificate chain
// (leaf, intermediate, root as many servers send it) judged against roots
// that hold the test root, without and with a Cache (the steady state, where
// the chain was seen before).
func BenchmarkJudge(b *testing.B) {
	p := newPKI(b)
	in := p.input(p.leaf(b, p.inter, nil), p.inter.cert, p.root.cert)
	if v := Judge(in); v.Status != lifecycle.StatusOK {
		b.Fatalf("status %q, problems %q", v.Status, v.Problems)
	}
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Judge(in)
		}
	})
	b.Run("cached", func(b *testing.B) {
		in := in
		in.Cache = NewCache(1024, 1024)
		b.ReportAllocs()
		for b.Loop() {
			Judge(in)
		}
	})
	// linked: a leaf never seen before under a known intermediate (a
	// renewal, a new endpoint), which costs one signature check.
	b.Run("new-leaf", func(b *testing.B) {
		leaves := make([]*Cert, 64)
		for i := range leaves {
			leaves[i] = p.leaf(b, p.inter, nil)
		}
		cache := NewCache(1024, 1024)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			in := p.input(leaves[i%len(leaves)], p.inter.cert, p.root.cert)
			in.Cache = cache
			clear(cache.entries)
			Judge(in)
			i++
		}
	})
}

// BenchmarkParse is the other half of ingest: each DER is parsed once.
func BenchmarkParse(b *testing.B) {
	p := newPKI(b)
	der := p.leaf(b, p.inter, nil).X509.Raw
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(der); err != nil {
			b.Fatal(err)
		}
	}
}
