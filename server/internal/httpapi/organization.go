package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/store"
)

type organizationJSON struct {
	ID                    string       `json:"id"`
	Name                  string       `json:"name"`
	ExpiringThresholdDays int          `json:"expiring_threshold_days"`
	Policy                certs.Policy `json:"policy"`
	// RequireAgentMTLS refuses agents that authenticate by token alone.
	RequireAgentMTLS bool `json:"require_agent_mtls"`
	// RequireEnrollmentApproval holds each enrollment for an admin.
	RequireEnrollmentApproval bool `json:"require_enrollment_approval"`
}

type organizationRequest struct {
	Name                      *string         `json:"name"`
	ExpiringThresholdDays     *int            `json:"expiring_threshold_days"`
	Policy                    json.RawMessage `json:"policy"`
	RequireAgentMTLS          *bool           `json:"require_agent_mtls"`
	RequireEnrollmentApproval *bool           `json:"require_enrollment_approval"`
}

func toOrganizationJSON(o store.Organization) organizationJSON {
	// A stored policy was validated on save; ParsePolicy falls back to the
	// defaults otherwise, which is what ingest judges with too.
	p, _ := certs.ParsePolicy(o.Policy)
	p.ExpiringDays = o.ExpiringThresholdDays
	return organizationJSON{ID: o.ID, Name: o.Name, ExpiringThresholdDays: o.ExpiringThresholdDays, Policy: p,
		RequireAgentMTLS: o.RequireAgentMTLS, RequireEnrollmentApproval: o.RequireEnrollmentApproval}
}

func (h *handler) getOrganization(c echo.Context) error {
	o, err := h.store.Organization(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toOrganizationJSON(o))
}

// updateOrganization changes the name, the expiring threshold (an optional
// absolute floor: a certificate past its renewal window with this few days
// left is urgent, whatever its lifetime) and the certificate policy; the
// stored current chains are judged again by them in the background.
func (h *handler) updateOrganization(c echo.Context) error {
	var req organizationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	o, err := h.store.Organization(ctx, principalOf(c).OrgID)
	if err != nil {
		return err
	}
	var errs []fieldError
	if req.Name != nil {
		o.Name = strings.TrimSpace(*req.Name)
		if n := utf8.RuneCountInString(o.Name); n < 1 || n > 100 {
			errs = append(errs, fieldError{"name", "must be 1 to 100 characters long"})
		}
	}
	if d := req.ExpiringThresholdDays; d != nil {
		if *d < 0 || *d > 365 {
			errs = append(errs, fieldError{"expiring_threshold_days", "must be 0 (none: the lifetime decides) to 365 days"})
		}
		o.ExpiringThresholdDays = *d
	}
	if req.RequireAgentMTLS != nil {
		o.RequireAgentMTLS = *req.RequireAgentMTLS
	}
	if req.RequireEnrollmentApproval != nil {
		o.RequireEnrollmentApproval = *req.RequireEnrollmentApproval
	}
	policy, _ := certs.ParsePolicy(o.Policy)
	if req.Policy != nil {
		dec := json.NewDecoder(strings.NewReader(string(req.Policy)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&policy); err != nil {
			errs = append(errs, fieldError{"policy", "want an object with min_rsa_bits, min_ec_bits, allow_sha1, max_validity_days, renew_after_fraction: " + err.Error()})
		}
		errs = append(errs, checkPolicy(policy)...)
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	policy.ExpiringDays = 0 // kept in its own column
	raw, err := json.Marshal(policy)
	if err != nil {
		return err
	}
	o.Policy = string(raw)
	o, err = h.store.UpdateOrganization(ctx, o)
	if err != nil {
		return err
	}
	if req.Policy != nil || req.ExpiringThresholdDays != nil {
		if err := h.rejudge(ctx, o.ID); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, toOrganizationJSON(o))
}

func checkPolicy(p certs.Policy) []fieldError {
	var errs []fieldError
	if p.MinRSABits < 0 || p.MinRSABits > 16384 {
		errs = append(errs, fieldError{"policy.min_rsa_bits", "must be 0 (no minimum) to 16384"})
	}
	if p.MinECBits < 0 || p.MinECBits > 521 {
		errs = append(errs, fieldError{"policy.min_ec_bits", "must be 0 (no minimum) to 521"})
	}
	if p.MaxValidityDays < 0 || p.MaxValidityDays > 3650 {
		errs = append(errs, fieldError{"policy.max_validity_days", "must be 0 (no limit) to 3650"})
	}
	if p.RenewAfterFraction < 0 || p.RenewAfterFraction >= 1 {
		errs = append(errs, fieldError{"policy.renew_after_fraction", "must be 0 (by lifetime: 1/2 under 10 days, else 2/3) or below 1, e.g. 0.75"})
	}
	return errs
}
