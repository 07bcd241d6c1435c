package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/lifecycle"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/probe"
	"certinel.dev/shared/target"
)

const (
	maxTags   = 20
	maxTagLen = 50
)

var tagPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]*$`)

// optional distinguishes an absent JSON field from an explicit null.
type optional[T any] struct {
	Set   bool
	Value *T
}

func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

type domainRequest struct {
	Host     optional[string]   `json:"host"`
	Port     optional[int]      `json:"port"`
	Protocol optional[string]   `json:"protocol"`
	SNI      optional[string]   `json:"sni"`
	AgentID  optional[string]   `json:"agent_id"`
	Tags     optional[[]string] `json:"tags"`
	// RenewAfterFraction: when renewal is due, as a fraction of the
	// lifetime (0 < f < 1); null returns to the organization's policy.
	RenewAfterFraction optional[float64] `json:"renew_after_fraction"`
}

type domainJSON struct {
	ID            string           `json:"id"`
	Host          string           `json:"host"`
	Port          int              `json:"port"`
	Protocol      string           `json:"protocol"`
	SNI           string           `json:"sni"`
	AgentID       *string          `json:"agent_id"`
	Tags          []string         `json:"tags"`
	Status        lifecycle.Status `json:"status"`
	DaysLeft      *int             `json:"days_left"`
	NotAfter      *time.Time       `json:"not_after"`
	SHA256        *string          `json:"sha256"`
	LastCheckedAt *time.Time       `json:"last_checked_at"`
	LastError     string           `json:"last_error"`
	LastErrorKind string           `json:"last_error_kind"`
	TrustStatus   string           `json:"trust_status"`
	// The latest check's protocol version and key exchange group, empty
	// when unknown; PostQuantum says whether the group is post-quantum.
	TLSVersion  string `json:"tls_version"`
	KeyExchange string `json:"key_exchange"`
	PostQuantum bool   `json:"post_quantum"`
	// Problems says why the domain is not ok: every problem, at now.
	Problems []lifecycle.Problem `json:"problems"`
	// RenewalWindow is when the certificate is expected to be renewed;
	// UrgentAt when a missing renewal becomes urgent. Null without a chain.
	RenewalWindow *lifecycle.Window `json:"renewal_window"`
	UrgentAt      *time.Time        `json:"urgent_at"`
	// RenewAfterFraction overrides the policy's renewal point for this domain.
	RenewAfterFraction *float64 `json:"renew_after_fraction"`
	// File names a file item (protocol "file"); null for an endpoint.
	File      *fileJSON `json:"file"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func splitProblems(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func (h *handler) toDomainJSON(v store.DomainView) domainJSON {
	out := domainJSON{ID: v.ID, Host: v.Host, Port: v.Port, Protocol: v.Protocol, SNI: v.SNI, AgentID: v.AgentID,
		Tags: v.Tags, Status: v.Status, NotAfter: v.NotAfter, LastCheckedAt: v.CheckedAt,
		LastError: v.Error, LastErrorKind: v.ErrorKind, TrustStatus: v.TrustStatus, Problems: v.Problems, UrgentAt: v.UrgentAt,
		TLSVersion: v.TLSVersion, KeyExchange: v.KeyExchange, PostQuantum: v.PostQuantum,
		RenewAfterFraction: v.RenewAfterFraction, File: toFileJSON(v.Domain), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if v.NotAfter != nil {
		d := lifecycle.DaysLeft(*v.NotAfter, h.store.Now())
		out.DaysLeft = &d
	}
	if v.WindowStart != nil && v.WindowEnd != nil {
		out.RenewalWindow = &lifecycle.Window{Start: *v.WindowStart, End: *v.WindowEnd, Source: v.WindowSource}
	}
	if v.LeafSHA256 != "" {
		out.SHA256 = &v.LeafSHA256
	}
	return out
}

// apply validates the request's fields onto d, collecting every error.
// create says whether absent fields take their defaults.
func (r domainRequest) apply(d *store.Domain, create bool) []fieldError {
	var errs []fieldError
	if r.Host.Set || create {
		if r.Host.Value == nil || strings.TrimSpace(*r.Host.Value) == "" {
			errs = append(errs, fieldError{"host", "is required"})
		} else if host, err := target.NormalizeHost(strings.TrimSpace(*r.Host.Value)); err != nil {
			errs = append(errs, fieldError{"host", err.Error()})
		} else {
			d.Host = host
		}
	}
	if r.Protocol.Set || create {
		p := "tls"
		if r.Protocol.Value != nil {
			p = strings.ToLower(strings.TrimSpace(*r.Protocol.Value))
		}
		if !probe.Supported(p) {
			errs = append(errs, fieldError{"protocol", "must be one of " + strings.Join(probe.Protocols(), ", ") + "; got " + quote(p)})
		} else {
			d.Protocol = p
		}
	}
	if r.Port.Set || create {
		switch {
		case r.Port.Value != nil && (*r.Port.Value < 1 || *r.Port.Value > 65535):
			errs = append(errs, fieldError{"port", "must be between 1 and 65535"})
		case r.Port.Value != nil:
			d.Port = *r.Port.Value
		case create && d.Protocol != "":
			d.Port = probe.DefaultPort(d.Protocol)
		default:
			errs = append(errs, fieldError{"port", "is required"})
		}
	}
	if r.SNI.Set {
		d.SNI = ""
		if r.SNI.Value != nil && strings.TrimSpace(*r.SNI.Value) != "" {
			sni, err := target.NormalizeHost(strings.TrimSpace(*r.SNI.Value))
			if _, ipErr := netip.ParseAddr(sni); err == nil && ipErr == nil {
				err = errors.New("must be a DNS name, not an IP address")
			}
			if err != nil {
				errs = append(errs, fieldError{"sni", err.Error()})
			} else {
				d.SNI = sni
			}
		}
	}
	if r.AgentID.Set {
		d.AgentID = nil
		if r.AgentID.Value != nil && *r.AgentID.Value != "" {
			id := *r.AgentID.Value
			d.AgentID = &id
		}
	}
	if r.RenewAfterFraction.Set {
		d.RenewAfterFraction = nil
		if f := r.RenewAfterFraction.Value; f != nil {
			if *f <= 0 || *f >= 1 {
				errs = append(errs, fieldError{"renew_after_fraction", "must be between 0 and 1 (exclusive), e.g. 0.66"})
			} else {
				d.RenewAfterFraction = f
			}
		}
	}
	if r.Tags.Set {
		tags, tagErr := normalizeTags(r.Tags.Value)
		if tagErr != nil {
			errs = append(errs, *tagErr)
		}
		d.Tags = tags
	}
	return errs
}

func normalizeTags(in *[]string) ([]string, *fieldError) {
	if in == nil {
		return nil, nil
	}
	if len(*in) > maxTags {
		return nil, &fieldError{"tags", "at most 20 tags"}
	}
	out := make([]string, 0, len(*in))
	for _, t := range *in {
		t = strings.TrimSpace(t)
		if len(t) > maxTagLen || !tagPattern.MatchString(t) {
			return nil, &fieldError{"tags", "tag " + quote(t) + " must be 1 to 50 characters: letters, digits and . _ : / -, starting with a letter or digit"}
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (h *handler) createDomain(c echo.Context) error {
	var req domainRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var d store.Domain
	if errs := req.apply(&d, true); len(errs) > 0 {
		return invalid(errs)
	}
	orgID := principalOf(c).OrgID
	d, err := h.store.CreateDomain(c.Request().Context(), orgID, d)
	if err != nil {
		return domainStoreError(err)
	}
	h.targetsChanged(c.Request().Context(), orgID, []store.Domain{d})
	return h.respondDomain(c, http.StatusCreated, d.ID)
}

func (h *handler) updateDomain(c echo.Context) error {
	var req domainRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	cur, err := h.store.GetDomain(ctx, orgID, c.Param("id"), org.ExpiringThresholdDays)
	if err != nil {
		return err
	}
	d := cur.Domain
	if d.Protocol == store.FileProtocol && (req.Host.Set || req.Port.Set || req.Protocol.Set || req.SNI.Set || req.AgentID.Set) {
		return badRequest("", "a file item is named by its agent's configuration: only its tags and renewal point can change")
	}
	if errs := req.apply(&d, false); len(errs) > 0 {
		return invalid(errs)
	}
	if _, err := h.store.UpdateDomain(ctx, orgID, d); err != nil {
		return domainStoreError(err)
	}
	h.targetsChanged(ctx, orgID, []store.Domain{d})
	return h.respondDomain(c, http.StatusOK, d.ID)
}

func domainStoreError(err error) error {
	var taken *store.EndpointTakenError
	switch {
	case errors.Is(err, store.ErrAgentNotFound):
		return invalid([]fieldError{{"agent_id", "no such agent"}})
	case errors.As(err, &taken):
		field, by := "host", ""
		if taken.Domain.EndpointSNI() != "" {
			field = "sni"
		}
		if taken.Domain.AgentID != nil {
			by = " through the same agent"
		}
		return &apiError{Status: http.StatusConflict, Code: "conflict", Field: field,
			Message: taken.Domain.Endpoint() + " is already monitored" + by}
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Field: "host",
			Message: "this host, port, protocol and SNI are already monitored through the same agent"}
	}
	return err
}

func (h *handler) respondDomain(c echo.Context, status int, id string) error {
	ctx := c.Request().Context()
	orgID := principalOf(c).OrgID
	org, err := h.store.Organization(ctx, orgID)
	if err != nil {
		return err
	}
	v, err := h.store.GetDomain(ctx, orgID, id, org.ExpiringThresholdDays)
	if err != nil {
		return err
	}
	return c.JSON(status, h.toDomainJSON(v))
}

func (h *handler) deleteDomain(c echo.Context) error {
	if err := h.store.DeleteDomain(c.Request().Context(), principalOf(c).OrgID, c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// domainStatuses are the status filters, as lifecycle lists them.
var domainStatuses = lifecycle.Names(lifecycle.Statuses...)

// domainFilter reads the list filters and the organization's floor, which
// statuses depend on.
func (h *handler) domainFilter(c echo.Context) (store.DomainFilter, error) {
	f, err := parseDomainFilter(c)
	if err != nil {
		return f, err
	}
	org, err := h.store.Organization(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return f, err
	}
	f.FloorDays = org.ExpiringThresholdDays
	return f, nil
}

func parseDomainFilter(c echo.Context) (store.DomainFilter, error) {
	f := store.DomainFilter{
		Query:   strings.TrimSpace(c.QueryParam("q")),
		Status:  c.QueryParam("status"),
		AgentID: c.QueryParam("agent_id"),
		Tag:     c.QueryParam("tag"),
		Kind:    c.QueryParam("kind"),
	}
	if f.Kind != "" && f.Kind != store.KindFile && f.Kind != store.KindEndpoint {
		return f, badRequest("kind", "kind: must be file or endpoint; got %s", quote(f.Kind))
	}
	if len(f.Query) > 253 {
		return f, badRequest("q", "q: at most 253 characters")
	}
	if f.Status != "" && !slices.Contains(domainStatuses, f.Status) {
		return f, badRequest("status", "status: must be one of %s; got %s", strings.Join(domainStatuses, ", "), quote(f.Status))
	}
	if v := c.QueryParam("post_quantum"); v != "" {
		if !slices.Contains(store.Readinesses(), store.Readiness(v)) {
			return f, badRequest("post_quantum", "post_quantum: must be true, false or unknown; got %s", quote(v))
		}
		f.PostQuantum = store.Readiness(v)
	}
	if v := c.QueryParam("expires_before"); v != "" {
		t, err := parseTimeOrDate(v)
		if err != nil {
			return f, badRequest("expires_before", "expires_before: want an RFC 3339 time or a date YYYY-MM-DD, got %s", quote(v))
		}
		f.ExpiresBefore = &t
	}
	if v := c.QueryParam("sort"); v != "" {
		key := strings.TrimPrefix(v, "-")
		if !slices.Contains(store.DomainSortKeys(), key) {
			return f, badRequest("sort", "sort: must be one of %s, with - in front for descending; got %s", strings.Join(store.DomainSortKeys(), ", "), quote(v))
		}
		f.Sort, f.Desc = key, strings.HasPrefix(v, "-")
	}
	switch v := c.QueryParam("order"); v {
	case "":
	case "asc":
		f.Desc = false
	case "desc":
		f.Desc = true
	default:
		return f, badRequest("order", "order: must be asc or desc, got %s", quote(v))
	}
	return f, nil
}

func parseTimeOrDate(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, v)
}

// domainList is a page of domains; NextCursor, when set, asks for the rows
// after this page (?cursor=), which stays fast at any depth.
type domainList struct {
	list[domainJSON]
	// TotalExact is false when total is an estimate (large lists).
	TotalExact bool    `json:"total_exact"`
	NextCursor *string `json:"next_cursor"`
}

func (h *handler) listDomains(c echo.Context) error {
	page, err := pageParams(c)
	if err != nil {
		return err
	}
	f, err := h.domainFilter(c)
	if err != nil {
		return err
	}
	if f.After = c.QueryParam("cursor"); f.After != "" && c.QueryParam("page") != "" {
		return badRequest("cursor", "cursor: give either cursor or page, not both")
	}
	items, total, err := h.store.ListDomains(c.Request().Context(), principalOf(c).OrgID, f, page)
	if errors.Is(err, store.ErrBadCursor) {
		return badRequest("cursor", "cursor: not a cursor of this list and order; start again without it")
	}
	if err != nil {
		return err
	}
	out := domainList{list: newList(mapItems(items, h.toDomainJSON), total, page), TotalExact: h.store.CountIsExact(total)}
	if len(items) == page.PerPage {
		next := store.DomainCursorAfter(f, items[len(items)-1])
		out.NextCursor = &next
	}
	return c.JSON(http.StatusOK, out)
}
