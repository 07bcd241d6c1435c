package certs

import (
	"encoding/json"
	"fmt"

	"certinel.dev/server/internal/lifecycle"
)

// Policy is an organization's bar for certificates. The zero value of a
// field switches its check off (no minimum, no limit), so a partially
// filled policy never invents requirements; start from DefaultPolicy.
type Policy struct {
	MinRSABits      int  `json:"min_rsa_bits"`
	MinECBits       int  `json:"min_ec_bits"`
	AllowSHA1       bool `json:"allow_sha1"`
	MaxValidityDays int  `json:"max_validity_days"` // leaves only
	// ExpiringDays is the organization's optional absolute floor: a chain
	// past its renewal window with this few days left is urgent whatever
	// its lifetime; 0: none (the lifetime's own margin decides).
	ExpiringDays int `json:"expiring_days"`
	// RenewAfterFraction fixes when renewal is expected, as a fraction of
	// the leaf's lifetime; 0 follows the lifetime (lifecycle.Settings).
	RenewAfterFraction float64 `json:"renew_after_fraction"`
}

// Lifecycle is the policy's part that plans renewals.
func (p Policy) Lifecycle() lifecycle.Settings {
	return lifecycle.Settings{RenewAfterFraction: p.RenewAfterFraction, FloorDays: p.ExpiringDays}
}

// DefaultPolicy matches what browsers and the CA/Browser Forum require today,
// and expects renewal when ACME clients do it (see lifecycle.Settings).
func DefaultPolicy() Policy {
	return Policy{
		MinRSABits:      2048,
		MinECBits:       256,
		AllowSHA1:       false,
		MaxValidityDays: 398,
	}
}

// ParsePolicy reads a stored policy: fields it names override the
// defaults, an empty text means the defaults.
func ParsePolicy(raw string) (Policy, error) {
	p := DefaultPolicy()
	if raw == "" {
		return p, nil
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return DefaultPolicy(), fmt.Errorf("certs: policy: %w", err)
	}
	return p, nil
}
