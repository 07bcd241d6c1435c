package certs

import (
	"encoding/json"
	"fmt"
)

// Policy is an organization's bar for certificates. The zero value of a
// field switches its check off (no minimum, no limit), so a partially
// filled policy never invents requirements; start from DefaultPolicy.
type Policy struct {
	MinRSABits         int     `json:"min_rsa_bits"`
	MinECBits          int     `json:"min_ec_bits"`
	AllowSHA1          bool    `json:"allow_sha1"`
	MaxValidityDays    int     `json:"max_validity_days"`    // leaves only
	ExpiringDays       int     `json:"expiring_days"`        // deadline this close makes the status "expiring"
	RenewAfterFraction float64 `json:"renew_after_fraction"` // of the leaf's lifetime; outside (0,1) disables the check
}

// DefaultPolicy matches what browsers and the CA/Browser Forum require today,
// and gives rotation automation a third of the lifetime to act.
func DefaultPolicy() Policy {
	return Policy{
		MinRSABits:         2048,
		MinECBits:          256,
		AllowSHA1:          false,
		MaxValidityDays:    398,
		ExpiringDays:       30,
		RenewAfterFraction: 2.0 / 3.0,
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
