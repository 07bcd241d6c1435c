package store

import (
	"context"
	"fmt"
)

// Readiness says whether an endpoint's latest check negotiated a
// post-quantum key exchange group (see certs.PostQuantum, decided at ingest).
type Readiness string

const (
	ReadinessReady    Readiness = "true"
	ReadinessNotReady Readiness = "false"
	// ReadinessUnknown is an endpoint whose group is not known: never
	// checked, failing, or checked by an agent too old to report it.
	ReadinessUnknown Readiness = "unknown"
)

// Readinesses lists the values of Readiness, for validating input.
func Readinesses() []Readiness {
	return []Readiness{ReadinessReady, ReadinessNotReady, ReadinessUnknown}
}

// readinessCondition selects the organization's domains (bound once) of a
// readiness, from the (organization_id, key_exchange) index of their states.
func readinessCondition(r Readiness) string {
	const known = "SELECT ds.domain_id FROM domain_states ds WHERE ds.organization_id = ? AND ds.key_exchange <> ''"
	switch r {
	case ReadinessReady:
		return "domains.id IN (" + known + " AND ds.post_quantum)"
	case ReadinessNotReady:
		return "domains.id IN (" + known + " AND NOT ds.post_quantum)"
	default:
		return "domains.id NOT IN (" + known + ")"
	}
}

// KeyExchangeCount is how many of an organization's endpoints negotiated a
// group in their latest check; Group is empty for the unknown ones.
type KeyExchangeCount struct {
	Group       string
	PostQuantum bool
	Endpoints   int
}

// KeyExchangeCounts counts the organization's endpoints by the key exchange
// group of their latest check, the most common first; the endpoints with
// no known group (including those never checked) are one row with Group "".
func (s *Store) KeyExchangeCounts(ctx context.Context, orgID string) ([]KeyExchangeCount, error) {
	var out []KeyExchangeCount
	err := s.db.WithContext(ctx).Table("domain_states").
		Select("key_exchange AS \"group\", post_quantum, COUNT(*) AS endpoints").
		Where("organization_id = ? AND key_exchange <> ''", orgID).
		Group("key_exchange, post_quantum").Order("endpoints DESC, key_exchange").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: key exchange counts: %w", err)
	}
	var unknown int64
	err = s.orgDomains(ctx, orgID).Where(readinessCondition(ReadinessUnknown), orgID).Count(&unknown).Error
	if err != nil {
		return nil, fmt.Errorf("store: endpoints of unknown key exchange: %w", err)
	}
	if unknown > 0 {
		out = append(out, KeyExchangeCount{Endpoints: int(unknown)})
	}
	return out, nil
}
