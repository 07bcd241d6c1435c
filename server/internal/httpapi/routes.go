package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes is the whole route table, with each route's permission inline.
func (h *handler) routes(e *echo.Echo, ui http.Handler) {
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)

	api := e.Group("/api/v1", h.requestLog, noStore)
	api.POST("/auth/signup", h.signup)
	api.POST("/auth/login", h.login)
	api.POST("/auth/logout", h.logout)

	agent := api.Group("/agent", h.authenticateAgent)
	agent.GET("/targets", h.agentTargets)
	agent.POST("/results", h.agentResults)

	g := api.Group("", h.authenticate)
	g.GET("/me", h.me, need(permRead))

	g.GET("/tokens", h.listTokens, need(permSession))
	g.POST("/tokens", h.createToken, need(permSession))
	g.DELETE("/tokens/:id", h.revokeToken, need(permSession))

	g.GET("/agents", h.listAgents, need(permRead))
	g.POST("/agents", h.createAgent, need(permWrite))
	g.GET("/agents/:id", h.getAgent, need(permRead))
	g.PATCH("/agents/:id", h.updateAgent, need(permWrite))
	g.DELETE("/agents/:id", h.deleteAgent, need(permWrite))

	g.GET("/domains", h.listDomains, need(permRead))
	g.POST("/domains", h.createDomain, need(permWrite))
	g.GET("/domains/:id", h.getDomain, need(permRead))
	g.PATCH("/domains/:id", h.updateDomain, need(permWrite))
	g.DELETE("/domains/:id", h.deleteDomain, need(permWrite))

	api.Any("/*", func(c echo.Context) error { return errNotFound })
	if ui != nil {
		e.GET("/*", echo.WrapHandler(ui))
	}
}
