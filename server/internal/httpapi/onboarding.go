package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type onboardingJSON struct {
	Agent     bool `json:"agent"`
	Domain    bool `json:"domain"`
	Alerting  bool `json:"alerting"`
	Colleague bool `json:"colleague"`
}

// onboarding answers which first steps the organization has taken, for
// the overview's checklist.
func (h *handler) onboarding(c echo.Context) error {
	o, err := h.store.OnboardingState(c.Request().Context(), principalOf(c).OrgID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, onboardingJSON(o))
}
