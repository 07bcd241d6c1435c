package monitor

import (
	"encoding/base64"
	"strings"
	"testing"

	"certinel.dev/shared/wire"
)

// BenchmarkChainKey digests a three-certificate chain, as ingest does for
// every result with a chain.
func BenchmarkChainKey(b *testing.B) {
	der := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", 1300)))
	r := wire.Result{TLSVersion: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", Chain: []string{der, der, der}}
	agent := "agent"
	b.ReportAllocs()
	for b.Loop() {
		_ = chainKey(&agent, r)
	}
}
