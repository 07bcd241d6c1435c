package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Change-only history: agents report every endpoint several times a day and
// almost every report says what the last one said. A stored observation is
// therefore a sample that stands for a run of identical checks; a check
// that changes nothing extends its domain's current sample in place
// (last_observed_at, checks and the values that drift, see repeatColumns)
// and writes no row of its own. Only a change adds a sample with its chain.

// sampleKey digests what makes a check a change: the chain as served, the
// error kind, the negotiated TLS version, cipher suite and key exchange
// group, who checked (an agent or the server itself), and the verdict's
// judgement (status, trust, problems). A group joins the digest only when
// known, so that samples from before it was recorded keep their keys and
// an upgrade writes no history. Left out on purpose: the address (round-robin DNS would make
// every check a change), the duration, the error text (it quotes times and
// addresses) and the verdict's day counts, which move every day while
// nothing changes; the current sample keeps their latest values.
func sampleKey(o Observation) string {
	agent := ""
	if o.AgentID != nil {
		agent = *o.AgentID
	}
	h := sha256.New()
	fields := []string{agent, o.ErrorKind, o.TLSVersion, o.CipherSuite,
		o.VerdictStatus, o.TrustStatus, strings.Join(o.Problems, ","), strings.Join(o.Chain, ",")}
	if o.KeyExchange != "" {
		fields = append(fields, o.KeyExchange)
	}
	for _, f := range fields {
		// Length prefixes keep two different field lists from hashing alike.
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// repeatColumns are what a check that changes nothing updates on the
// current sample: when and how often it was seen, and the values that may
// drift without being a change.
var repeatColumns = []string{"last_observed_at", "received_at", "address", "duration_ms", "error", "handshake_error", "verdict"}

// AfterFind reads a sample stored before change-only history (migration
// 00016) as what it is: one check, last seen when first seen.
func (o *Observation) AfterFind(*gorm.DB) error {
	if o.LastObservedAt.IsZero() {
		o.LastObservedAt = o.ObservedAt
	}
	return nil
}

// currentSample is the sample a domain's state points at.
type currentSample struct {
	ObservationID string
	SampleKey     string
	CheckedAt     time.Time
}

// saveSamples stores the results that change something as new samples with
// their chains, and folds the others into their domain's current sample,
// as the domains' states before the batch (prev) name it. A folded result
// takes that sample's ID, so the domain state written next points at it.
func saveSamples(tx *gorm.DB, obs []Observation, prev map[string]heldState) error {
	current := make(map[string]currentSample, len(prev))
	for id, p := range prev {
		current[id] = currentSample{ObservationID: p.ObservationID, SampleKey: p.SampleKey, CheckedAt: p.CheckedAt.Time}
	}
	fresh, repeats := splitRepeats(obs, current)
	var chain []ObservationCertificate
	for _, o := range fresh {
		for pos, sha := range o.Chain {
			chain = append(chain, ObservationCertificate{ObservationID: o.ID, Position: pos, SHA256: sha})
		}
	}
	if len(fresh) > 0 {
		if err := tx.CreateInBatches(fresh, observationBatch).Error; err != nil {
			return fmt.Errorf("observations: %w", err)
		}
	}
	if len(chain) > 0 {
		if err := tx.CreateInBatches(chain, chainBatch).Error; err != nil {
			return fmt.Errorf("chains: %w", err)
		}
	}
	return extendSamples(tx, repeats)
}

// splitRepeats sorts the results into new samples (fresh) and repeats of a
// domain's current sample, one row per sample summing its repeats. Each
// domain's results are taken in time order, so a batch holding several
// checks of one domain folds them as they happened. A result older than
// the domain's state (a late spooled batch) is history of its own and
// leaves the current sample alone.
func splitRepeats(obs []Observation, current map[string]currentSample) (fresh, repeats []*Observation) {
	order := make([]*Observation, len(obs))
	for i := range obs {
		o := &obs[i]
		o.SampleKey, o.LastObservedAt, o.Checks = sampleKey(*o), o.ObservedAt, 1
		order[i] = o
	}
	slices.SortStableFunc(order, func(a, b *Observation) int {
		return cmp.Or(strings.Compare(domainOf(a), domainOf(b)), a.ObservedAt.Compare(b.ObservedAt))
	})
	folded := make(map[string]*Observation)
	for _, o := range order {
		if o.DomainID == nil {
			fresh = append(fresh, o)
			continue
		}
		cur, known := current[*o.DomainID]
		switch {
		case known && o.ObservedAt.Before(cur.CheckedAt):
			fresh = append(fresh, o)
		case known && cur.SampleKey == o.SampleKey:
			o.ID = cur.ObservationID
			r := *o
			if prev := folded[o.ID]; prev != nil {
				r.Checks = prev.Checks + 1
			} else {
				repeats = append(repeats, &r)
			}
			folded[o.ID] = &r
			cur.CheckedAt = o.ObservedAt
			current[*o.DomainID] = cur
		default:
			fresh = append(fresh, o)
			current[*o.DomainID] = currentSample{ObservationID: o.ID, SampleKey: o.SampleKey, CheckedAt: o.ObservedAt}
		}
	}
	// The slice holds the first row of each sample; folded the summed one.
	for i, r := range repeats {
		repeats[i] = folded[r.ID]
	}
	return fresh, repeats
}

func domainOf(o *Observation) string {
	if o.DomainID == nil {
		return ""
	}
	return *o.DomainID
}

// extendSamples adds the repeats to their samples, in ID order so that
// concurrent batches lock samples in one order. The samples exist (a
// domain's state points at them, or this batch just stored them), so the
// insert always meets its conflict; the guard keeps a sample's latest
// values from being overwritten by older ones.
func extendSamples(tx *gorm.DB, repeats []*Observation) error {
	if len(repeats) == 0 {
		return nil
	}
	slices.SortFunc(repeats, func(a, b *Observation) int { return strings.Compare(a.ID, b.ID) })
	set := clause.AssignmentColumns(repeatColumns)
	set = append(set, clause.Assignment{Column: clause.Column{Name: "checks"}, Value: gorm.Expr("observations.checks + excluded.checks")})
	upsert := clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: set,
		Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "excluded.last_observed_at >= COALESCE(observations.last_observed_at, observations.observed_at)"}}},
	}
	if err := tx.Clauses(upsert).CreateInBatches(repeats, observationBatch).Error; err != nil {
		return fmt.Errorf("repeated observations: %w", err)
	}
	return nil
}
