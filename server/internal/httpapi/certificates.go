package httpapi

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/revocation"
	"certinel.dev/server/internal/store"
)

var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

type certificateJSON struct {
	SHA256             string          `json:"sha256"`
	Subject            string          `json:"subject"`
	Issuer             string          `json:"issuer"`
	Serial             string          `json:"serial"`
	NotBefore          time.Time       `json:"not_before"`
	NotAfter           time.Time       `json:"not_after"`
	DaysLeft           int             `json:"days_left"`
	KeyType            string          `json:"key_type"`
	KeyBits            int             `json:"key_bits"`
	SignatureAlgorithm string          `json:"signature_algorithm"`
	IsCA               bool            `json:"is_ca"`
	Trust              string          `json:"trust_status"`
	Serving            int             `json:"serving"`
	FirstSeen          time.Time       `json:"first_seen"`
	LastSeen           time.Time       `json:"last_seen"`
	Facts              json.RawMessage `json:"facts,omitempty"`
	// Names and Endpoints are in lists only: the first DNS names it
	// covers (NameCount says how many in all) and the first domains
	// serving it now (Serving says how many in all).
	Names     []string            `json:"names,omitempty"`
	NameCount int                 `json:"name_count,omitempty"`
	Endpoints []servingDomainJSON `json:"endpoints,omitempty"`
	// Revocation is null until the certificate was checked.
	Revocation *revocationJSON `json:"revocation"`
}

type certificateDetailJSON struct {
	certificateJSON
	PEM      string              `json:"pem"`
	ServedBy []servingDomainJSON `json:"served_by"`
	// Chain is the chain the first domain of ServedBy serves it in.
	Chain []chainLinkJSON `json:"chain"`
	// History lists the endpoints that served it as their leaf.
	History []certificateServingJSON `json:"history"`
}

type certificateServingJSON struct {
	DomainID   string     `json:"domain_id"`
	Host       string     `json:"host"`
	Port       int        `json:"port"`
	Protocol   string     `json:"protocol"`
	FirstSeen  time.Time  `json:"first_seen"`
	LastSeen   time.Time  `json:"last_seen"`
	Checks     int        `json:"checks"`
	ReplacedAt *time.Time `json:"replaced_at"`
	ReplacedBy string     `json:"replaced_by"`
}

type chainLinkJSON struct {
	Position int       `json:"position"`
	SHA256   string    `json:"sha256"`
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	NotAfter time.Time `json:"not_after"`
}

type servingDomainJSON struct {
	DomainID string `json:"domain_id"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Position int    `json:"position"`
}

func (h *handler) toCertificateJSON(it store.InventoryItem) certificateJSON {
	return certificateJSON{SHA256: it.SHA256, Subject: it.Subject, Issuer: it.Issuer, Serial: it.Serial,
		NotBefore: it.NotBefore, NotAfter: it.NotAfter, DaysLeft: lifecycle.DaysLeft(it.NotAfter, h.store.Now()),
		KeyType: it.KeyType, KeyBits: it.KeyBits, SignatureAlgorithm: it.SignatureAlgorithm, IsCA: it.IsCA,
		Trust: it.Trust, Serving: it.Serving, FirstSeen: it.FirstSeen.Time, LastSeen: it.LastSeen.Time}
}

func boolParam(c echo.Context, name string) (*bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequest(name, "%s: want true or false, got %s", name, quote(v))
	}
	return &b, nil
}

func (h *handler) listCertificates(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	f := store.CertificateFilter{
		Query: strings.TrimSpace(c.QueryParam("q")), Issuer: c.QueryParam("issuer"),
		KeyType: c.QueryParam("key_type"), Trust: c.QueryParam("trust_status"),
		Tag: c.QueryParam("tag"), AgentID: c.QueryParam("agent_id"), Sort: c.QueryParam("sort"),
	}
	if len(f.Query) > 256 || len(f.Issuer) > 256 || len(f.Tag) > 256 || len(f.AgentID) > 256 {
		return badRequest("q", "q, issuer, tag and agent_id: at most 256 characters")
	}
	if _, ok := store.CertificateSorts[strings.TrimPrefix(f.Sort, "-")]; f.Sort != "" && !ok {
		return badRequest("sort", "sort: want not_after, subject, issuer, serving or first_seen, with a leading - to reverse, got %s", quote(f.Sort))
	}
	if v := c.QueryParam("expires_before"); v != "" {
		t, err := parseTimeOrDate(v)
		if err != nil {
			return badRequest("expires_before", "expires_before: want an RFC 3339 time or a date YYYY-MM-DD, got %s", quote(v))
		}
		f.ExpiresBefore = &t
	}
	if f.CA, err = boolParam(c, "is_ca"); err != nil {
		return err
	}
	if f.Serving, err = boolParam(c, "serving"); err != nil {
		return err
	}
	if f.Revocation, err = revocationStateParam(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	items, total, err := h.store.ListCertificates(ctx, orgID, f, page)
	if err != nil {
		return err
	}
	revoked, err := h.revocations(ctx, orgID, mapItems(items, func(it store.InventoryItem) string { return it.SHA256 })...)
	if err != nil {
		return err
	}
	out := mapItems(items, h.toCertificateJSON)
	if err := h.placeCertificates(ctx, orgID, out); err != nil {
		return err
	}
	for i := range out {
		out[i].Revocation = revoked[out[i].SHA256]
	}
	return c.JSON(http.StatusOK, certificateList{list: newList(out, total, page), TotalExact: h.store.CertificateTotalIsExact(f, total)})
}

// certificateList is a page of the inventory.
type certificateList struct {
	list[certificateJSON]
	// TotalExact is false when total is an estimate (the agent filter on
	// a large inventory).
	TotalExact bool `json:"total_exact"`
}

// listedPlaces is how many names and serving endpoints a list shows per
// certificate; the detail page has them all.
const listedPlaces = 3

// placeCertificates adds to a page of the inventory the first names each
// certificate covers and the first endpoints serving it.
func (h *handler) placeCertificates(ctx context.Context, orgID string, page []certificateJSON) error {
	shas := mapItems(page, func(c certificateJSON) string { return c.SHA256 })
	names, err := h.store.CertificateNames(ctx, shas)
	if err != nil {
		return err
	}
	servers, err := h.store.FirstServers(ctx, orgID, shas, listedPlaces)
	if err != nil {
		return err
	}
	for i := range page {
		n := names[page[i].SHA256]
		page[i].NameCount = len(n)
		page[i].Names = n[:min(len(n), listedPlaces)]
		page[i].Endpoints = mapItems(servers[page[i].SHA256], toServingDomainJSON)
	}
	return nil
}

func toServingDomainJSON(s store.ServingDomain) servingDomainJSON {
	return servingDomainJSON{DomainID: s.DomainID, Host: s.Host, Port: s.Port, Protocol: s.Protocol, Position: s.Position}
}

// revocationStateParam reads the revocation filter: one of the states a
// check records.
func revocationStateParam(c echo.Context) (string, error) {
	v := c.QueryParam("revocation")
	switch revocation.State(v) {
	case "", revocation.StateGood, revocation.StateRevoked, revocation.StateUnknown, revocation.StateUnavailable:
		return v, nil
	}
	return "", badRequest("revocation", "revocation: want good, revoked, unknown or unavailable, got %s", quote(v))
}

func (h *handler) getCertificate(c echo.Context) error {
	sha := strings.ToLower(c.Param("sha256"))
	if !sha256Pattern.MatchString(sha) {
		return errNotFound
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	it, err := h.store.GetCertificate(ctx, orgID, sha)
	if err != nil {
		return err
	}
	servers, err := h.store.CertificateServers(ctx, orgID, sha)
	if err != nil {
		return err
	}
	revoked, err := h.revocations(ctx, orgID, sha)
	if err != nil {
		return err
	}
	chain := []store.ChainEntry{}
	if len(servers) > 0 {
		if chain, err = h.store.DomainChain(ctx, orgID, servers[0].DomainID); err != nil {
			return err
		}
	}
	out := certificateDetailJSON{certificateJSON: h.toCertificateJSON(it),
		PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: it.DER}))}
	out.Revocation = revoked[sha]
	out.Facts = json.RawMessage(it.Facts)
	out.ServedBy = mapItems(servers, toServingDomainJSON)
	history, err := h.store.CertificateHistory(ctx, orgID, sha)
	if err != nil {
		return err
	}
	out.History = mapItems(history, func(s store.CertificateServing) certificateServingJSON { return certificateServingJSON(s) })
	out.Chain = mapItems(chain, func(e store.ChainEntry) chainLinkJSON {
		return chainLinkJSON{Position: e.Position, SHA256: e.SHA256, Subject: e.Subject, Issuer: e.Issuer, NotAfter: e.NotAfter}
	})
	return c.JSON(http.StatusOK, out)
}
