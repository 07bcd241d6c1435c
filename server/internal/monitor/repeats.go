package monitor

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// chainKey digests what a check must share with its domain's current state
// to be stored as a repeat (see store.Repeat): who checked, the negotiated
// TLS version, cipher suite and key exchange group, and the chain as
// served, certificate by certificate as sent. A check with a chain has no error kind; a failed
// check is never a repeat, as it moves the count of failures in a row.
func chainKey(agentID *string, r wire.Result) string {
	agent := ""
	if agentID != nil {
		agent = *agentID
	}
	h := sha256.New()
	// Each field goes through one buffer: the hash takes bytes, and a
	// string handed to it is copied into a new slice, a certificate's
	// worth of garbage for each certificate of every result.
	buf := make([]byte, 0, 4096)
	field := func(s string) {
		// Length prefixes keep two different lists from hashing alike.
		buf = append(append(strconv.AppendInt(buf[:0], int64(len(s)), 10), ':'), s...)
		h.Write(buf)
	}
	field(agent)
	field(r.TLSVersion)
	field(r.CipherSuite)
	field(r.KeyExchange)
	for _, der := range r.Chain {
		field(der)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// pickRepeats returns, by index, the results of an agent's batch that
// repeat their domain's current state: the same chain key, observed no
// earlier than the state, while its verdict stands (judged_until). They
// are valid results (checkResult). A domain checked more than once in the
// batch (each backend of a load-balanced name) repeats only when every one
// of its checks does; otherwise all are judged, so a backend serving
// another chain is never hidden behind a repeat. Results of domains
// without a held chain are judged, as are results with a stapled OCSP
// response, whose answer can change the verdict of the same chain (an
// unchanged staple is not verified again: see staple.go).
func pickRepeats(results []wire.Result, agentID string, held map[string]store.HeldChain, now time.Time) map[int]store.Repeat {
	if len(held) == 0 {
		return nil
	}
	out := make(map[int]store.Repeat, len(held))
	judged := make(map[string]bool)
	for i, r := range results {
		h, ok := held[r.TargetID]
		if !ok || r.DiscoveryJobID != "" || isCRLFile(r) || len(r.Chain) == 0 || r.OCSPStaple != "" ||
			h.JudgedUntil == nil || !now.Before(*h.JudgedUntil) || r.ObservedAt.Before(h.CheckedAt) ||
			checkResult(r, now) != nil || chainKey(&agentID, r) != h.ChainKey {
			judged[r.TargetID] = true
			continue
		}
		out[i] = store.Repeat{DomainID: h.DomainID, ObservationID: h.ObservationID, ChainKey: h.ChainKey,
			ObservedAt: r.ObservedAt.UTC(), Address: r.Address, DurationMS: r.DurationMS, HandshakeError: r.Error}
	}
	for i, r := range results {
		if judged[r.TargetID] {
			delete(out, i)
		}
	}
	return out
}
