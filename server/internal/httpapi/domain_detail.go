package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
)

type chainEntryJSON struct {
	Position  int       `json:"position"`
	SHA256    string    `json:"sha256"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	DaysLeft  int       `json:"days_left"`
	// Revocation is null until the certificate was checked.
	Revocation *revocationJSON `json:"revocation"`
}

type servedJSON struct {
	SHA256    string    `json:"sha256"`
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	NotAfter  time.Time `json:"not_after"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Checks    int       `json:"checks"`
}

type changeJSON struct {
	OldSHA256  string    `json:"old_sha256"`
	NewSHA256  string    `json:"new_sha256"`
	ObservedAt time.Time `json:"observed_at"`
}

// A run of identical failures is one sample: observed_at is its latest
// check, first_observed_at its first, checks how many it spans.
type checkErrorJSON struct {
	ObservedAt      time.Time `json:"observed_at"`
	FirstObservedAt time.Time `json:"first_observed_at"`
	Checks          int       `json:"checks"`
	Error           string    `json:"error"`
	ErrorKind       string    `json:"error_kind"`
	Address         string    `json:"address"`
}

// sampleJSON is a run of identical checks: from first_observed_at to
// observed_at, checks of them, failed (error_kind set) or not.
type sampleJSON struct {
	ObservedAt      time.Time `json:"observed_at"`
	FirstObservedAt time.Time `json:"first_observed_at"`
	Checks          int       `json:"checks"`
	OK              bool      `json:"ok"`
	ErrorKind       string    `json:"error_kind"`
	TrustStatus     string    `json:"trust_status"`
	SHA256          string    `json:"sha256"`
}

// recentSamples is how many runs of checks the domain's strip shows.
const recentSamples = 48

// checkJSON describes the handshake of the latest check.
type checkJSON struct {
	ObservedAt     time.Time `json:"observed_at"`
	Address        string    `json:"address"`
	TLSVersion     string    `json:"tls_version"`
	CipherSuite    string    `json:"cipher_suite"`
	KeyExchange    string    `json:"key_exchange"`
	DurationMS     int64     `json:"duration_ms"`
	HandshakeError string    `json:"handshake_error,omitempty"`
	ByAgent        bool      `json:"by_agent"`
}

// renewalInfoJSON is what the issuing CA suggests (ACME Renewal
// Information): null when no known ACME CA issued the certificate; the
// window is null until the CA answered.
type renewalInfoJSON struct {
	DirectoryURL   string     `json:"directory_url"`
	WindowStart    *time.Time `json:"window_start"`
	WindowEnd      *time.Time `json:"window_end"`
	ExplanationURL string     `json:"explanation_url,omitempty"`
	PreviousStart  *time.Time `json:"previous_start,omitempty"`
	PreviousEnd    *time.Time `json:"previous_end,omitempty"`
	FetchedAt      *time.Time `json:"fetched_at"`
	NextFetchAt    time.Time  `json:"next_fetch_at"`
	LastError      string     `json:"last_error,omitempty"`
}

type domainDetailJSON struct {
	domainJSON
	LastCheck *checkJSON       `json:"last_check"`
	Analysis  json.RawMessage  `json:"analysis"`
	Chain     []chainEntryJSON `json:"chain"`
	History   []servedJSON     `json:"history"`
	Changes   []changeJSON     `json:"changes"`
	Errors    []checkErrorJSON `json:"errors"`
	// Samples are the latest runs of identical checks, newest first, for
	// the uptime strip.
	Samples []sampleJSON `json:"samples"`
	Stale   []staleJSON  `json:"stale"`
	// RenewalInfo is the CA's suggested window for the leaf served now.
	RenewalInfo *renewalInfoJSON `json:"renewal_info"`
	// Backends are the addresses the domain's name resolved to, each with
	// its latest check (see backendsJSON).
	Backends []backendJSON `json:"backends"`
}

func (h *handler) getDomain(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	v, err := h.store.GetDomain(ctx, orgID, c.Param("id"), org.ExpiringThresholdDays)
	if err != nil {
		return err
	}
	out := domainDetailJSON{domainJSON: h.toDomainJSON(v), Chain: []chainEntryJSON{}, Analysis: json.RawMessage("null")}
	now := h.store.Now()
	if v.CheckedAt != nil {
		state, err := h.store.DomainStateOf(ctx, orgID, v.ID)
		if err != nil {
			return err
		}
		obs, err := h.store.GetObservation(ctx, orgID, state.ObservationID)
		if err != nil {
			return err
		}
		out.LastCheck = &checkJSON{ObservedAt: obs.LastObservedAt, Address: obs.Address, TLSVersion: obs.TLSVersion,
			CipherSuite: obs.CipherSuite, KeyExchange: obs.KeyExchange, DurationMS: obs.DurationMS, HandshakeError: obs.HandshakeError, ByAgent: obs.AgentID != nil}
		if obs.Verdict != "" {
			out.Analysis = json.RawMessage(obs.Verdict)
		}
		chain, err := h.store.ObservationChain(ctx, orgID, state.ObservationID)
		if err != nil {
			return err
		}
		revoked, err := h.revocations(ctx, orgID, mapItems(chain, func(e store.ChainEntry) string { return e.SHA256 })...)
		if err != nil {
			return err
		}
		out.Chain = mapItems(chain, func(e store.ChainEntry) chainEntryJSON {
			return chainEntryJSON{Position: e.Position, SHA256: e.SHA256, Subject: e.Subject, Issuer: e.Issuer,
				Serial: e.Serial, NotBefore: e.NotBefore, NotAfter: e.NotAfter, DaysLeft: lifecycle.DaysLeft(e.NotAfter, now),
				Revocation: revoked[e.SHA256]}
		})
	}
	history, err := h.store.DomainHistory(ctx, orgID, v.ID)
	if err != nil {
		return err
	}
	out.History = mapItems(history, func(s store.ServedCertificate) servedJSON {
		return servedJSON{SHA256: s.SHA256, Subject: s.Subject, Issuer: s.Issuer, NotAfter: s.NotAfter,
			FirstSeen: s.FirstSeen, LastSeen: s.LastSeen, Checks: s.Count}
	})
	changes, err := h.store.DomainChanges(ctx, orgID, v.ID, 50)
	if err != nil {
		return err
	}
	out.Changes = mapItems(changes, func(ch store.CertificateChange) changeJSON {
		return changeJSON{OldSHA256: ch.OldSHA256, NewSHA256: ch.NewSHA256, ObservedAt: ch.ObservedAt}
	})
	failures, err := h.store.DomainErrors(ctx, orgID, v.ID, 10)
	if err != nil {
		return err
	}
	out.Errors = mapItems(failures, func(o store.Observation) checkErrorJSON {
		return checkErrorJSON{ObservedAt: o.LastObservedAt, FirstObservedAt: o.ObservedAt, Checks: o.Checks,
			Error: o.Error, ErrorKind: o.ErrorKind, Address: o.Address}
	})
	samples, err := h.store.DomainSamples(ctx, orgID, v.ID, recentSamples)
	if err != nil {
		return err
	}
	out.Samples = mapItems(samples, func(o store.Observation) sampleJSON {
		return sampleJSON{ObservedAt: o.LastObservedAt, FirstObservedAt: o.ObservedAt, Checks: o.Checks, OK: o.Error == "",
			ErrorKind: o.ErrorKind, TrustStatus: o.TrustStatus, SHA256: o.LeafSHA256}
	})
	if out.Backends, err = h.backends(ctx, orgID, v.ID, now); err != nil {
		return err
	}
	stale, err := h.store.StaleEndpoints(ctx, orgID, v.ID)
	if err != nil {
		return err
	}
	out.Stale = mapItems(stale, toStaleJSON)
	if v.LeafSHA256 != "" {
		ri, err := h.store.RenewalInfoOf(ctx, orgID, v.LeafSHA256)
		switch {
		case err == nil:
			out.RenewalInfo = &renewalInfoJSON{DirectoryURL: ri.DirectoryURL, WindowStart: ri.WindowStart, WindowEnd: ri.WindowEnd,
				ExplanationURL: ri.ExplanationURL, PreviousStart: ri.PreviousStart, PreviousEnd: ri.PreviousEnd,
				FetchedAt: ri.FetchedAt, NextFetchAt: ri.NextFetchAt, LastError: ri.LastError}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}
