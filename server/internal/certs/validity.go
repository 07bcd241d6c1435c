package certs

import (
	"fmt"
	"time"

	"certinel.dev/server/internal/lifecycle"
)

const day = 24 * time.Hour

// clockSkewTolerance separates "the agent's or server's clock is a little
// behind" from "this certificate really starts in the future": freshly
// issued certificates are often observed within minutes of not_before.
const clockSkewTolerance = 5 * time.Minute

// CertValidity is the validity of one certificate of the presented chain.
type CertValidity struct {
	Position    int       `json:"position"` // 0 is the leaf
	SHA256      string    `json:"sha256"`
	NotBefore   time.Time `json:"not_before"`
	NotAfter    time.Time `json:"not_after"`
	DaysLeft    int       `json:"days_left"`
	Expired     bool      `json:"expired"`
	NotYetValid bool      `json:"not_yet_valid"`
}

// Deadline is the certificate of the chain that expires first: an
// intermediate that expires before the leaf breaks the chain just the same.
type Deadline struct {
	Position int       `json:"position"`
	NotAfter time.Time `json:"not_after"`
	DaysLeft int       `json:"days_left"`
}

func judgeValidity(v *Verdict, chain []*Cert, now time.Time) {
	v.Chain = make([]CertValidity, len(chain))
	var latestStart time.Time
	for i, c := range chain {
		f := &c.Facts
		cv := CertValidity{
			Position:    i,
			SHA256:      f.SHA256,
			NotBefore:   f.NotBefore,
			NotAfter:    f.NotAfter,
			DaysLeft:    lifecycle.DaysLeft(f.NotAfter, now),
			Expired:     now.After(f.NotAfter),
			NotYetValid: now.Before(f.NotBefore),
		}
		v.Chain[i] = cv
		if i == 0 || f.NotAfter.Before(v.Deadline.NotAfter) {
			v.Deadline = Deadline{Position: i, NotAfter: f.NotAfter, DaysLeft: cv.DaysLeft}
		}
		v.Expired = v.Expired || cv.Expired
		if cv.NotYetValid && f.NotBefore.After(latestStart) {
			v.NotYetValid = true
			latestStart = f.NotBefore
		}
	}
	v.DaysLeft = v.Chain[0].DaysLeft
	if !v.NotYetValid {
		return
	}
	ahead := latestStart.Sub(now)
	v.ClockSkew = ahead <= clockSkewTolerance
	if v.ClockSkew {
		v.ValidityNote = fmt.Sprintf("valid only in %s: probably clock skew", ahead.Round(time.Second))
	} else {
		v.ValidityNote = fmt.Sprintf("valid only from %s: genuinely in the future", latestStart.UTC().Format(time.RFC3339))
	}
}
