package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes is the whole route table, with each route's permission inline.
func (h *handler) routes(e *echo.Echo, ui http.Handler) {
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET(downloadsPath+":file", h.agentDownload)
	e.GET(crlDERPath, h.crlDER)
	e.GET(crlPEMPath, h.crlPEM)

	api := e.Group("/api/v1", h.requestLog, noStore, anonymousActor)
	api.POST("/auth/signup", h.signup)
	api.POST("/auth/login", h.login)
	api.POST("/auth/login/two-factor", h.loginSecondFactor)
	api.POST("/auth/logout", h.logout)
	api.GET("/auth/password-reset", h.passwordResetAvailable)
	api.POST("/auth/password-reset", h.requestPasswordReset)
	api.POST("/auth/password-reset/confirm", h.resetPassword)
	api.GET("/openapi.json", openAPI())
	api.POST("/invitations/accept", h.acceptInvitation)
	api.POST("/invitations/preview", h.previewInvitation)
	api.POST("/agent/enroll", h.enrollAgent)            // the join token authenticates
	api.GET("/agent/enrollments/:id", h.pollEnrollment) // so does the one it spent

	agent := api.Group("/agent", h.authenticateAgent)
	agent.GET("/targets", h.agentTargets)
	agent.POST("/results", h.agentResults)
	agent.POST("/revocation", h.agentRevocation)
	agent.POST("/channel", h.agentChannel)
	agent.POST("/token", h.agentNextToken)
	agent.POST("/renew", h.renewAgentCertificate)

	g := api.Group("", h.authenticate)
	g.GET("/me", h.me, need(permRead))
	g.POST("/account/password", h.changePassword, need(permSession))
	g.GET("/account/sessions", h.listSessions, need(permSession))
	g.DELETE("/account/sessions", h.endOtherSessions, need(permSession))
	g.DELETE("/account/sessions/:id", h.endSession, need(permSession))
	g.GET("/account/two-factor", h.getTwoFactor, need(permSession))
	g.POST("/account/two-factor/setup", h.setupTwoFactor, need(permSession))
	g.POST("/account/two-factor/enable", h.enableTwoFactor, need(permSession))
	g.POST("/account/two-factor/disable", h.disableTwoFactor, need(permSession))
	g.GET("/organization", h.getOrganization, need(permRead))
	g.PATCH("/organization", h.updateOrganization, need(permSession, permOwner))
	g.GET("/organization/smtp-relay", h.getSMTPRelay, need(permSession, permOwner))
	g.PUT("/organization/smtp-relay", h.putSMTPRelay, need(permSession, permOwner))
	g.DELETE("/organization/smtp-relay", h.deleteSMTPRelay, need(permSession, permOwner))
	g.POST("/organization/smtp-relay/test", h.testSMTPRelay, need(permSession, permOwner))

	g.GET("/tokens", h.listTokens, need(permSession))
	g.POST("/tokens", h.createToken, need(permSession, permAdmin))
	g.DELETE("/tokens/:id", h.revokeToken, need(permSession, permAdmin))

	g.GET("/agents", h.listAgents, need(permRead))
	g.POST("/agents", h.createAgent, need(permAdmin))
	g.GET("/agents/:id", h.getAgent, need(permRead))
	g.PATCH("/agents/:id", h.updateAgent, need(permAdmin))
	g.DELETE("/agents/:id", h.deleteAgent, need(permAdmin))
	g.POST("/agents/:id/token", h.rotateAgentToken, need(permAdmin))
	g.POST("/agents/:id/join-tokens", h.createJoinToken, need(permSession, permAdmin))
	g.POST("/agents/:id/certificate/revoke", h.revokeAgentCertificate, need(permAdmin))
	g.GET("/agents/:id/certificates", h.listAgentCertificates, need(permRead))
	g.POST("/agents/:id/certificates/:serial/revoke", h.revokeOneAgentCertificate, need(permAdmin))
	g.GET("/agent-enrollments", h.listEnrollments, need(permAdmin))
	g.POST("/agent-enrollments/:id/approve", h.approveEnrollment, need(permSession, permAdmin))
	g.POST("/agent-enrollments/:id/reject", h.rejectEnrollment, need(permSession, permAdmin))

	g.GET("/agent-downloads", h.listAgentDownloads, need(permRead))

	g.GET("/domains", h.listDomains, need(permRead))
	g.POST("/domains", h.createDomain, need(permWrite))
	g.POST("/domains/import", h.importDomains, need(permWrite))
	g.POST("/domains/check", h.checkDomains, need(permWrite))
	g.GET("/domains/export", h.exportDomains, need(permRead))
	g.GET("/domains/:id", h.getDomain, need(permRead))
	g.PATCH("/domains/:id", h.updateDomain, need(permWrite))
	g.DELETE("/domains/:id", h.deleteDomain, need(permWrite))
	g.POST("/domains/:id/check", h.checkDomain, need(permWrite))
	g.GET("/check-requests/:id", h.getCheckRequest, need(permRead))
	g.GET("/file-sources", h.listFileSources, need(permRead))
	g.GET("/file-sources/:id", h.getFileSource, need(permRead))

	g.GET("/certificates", h.listCertificates, need(permRead))
	g.GET("/certificates/:sha256", h.getCertificate, need(permRead))
	g.GET("/revocation-sources", h.listRevocationSources, need(permRead))
	g.POST("/revocation-sources/crls", h.uploadCRL, need(permWrite))

	g.GET("/discovery-jobs", h.listDiscoveryJobs, need(permRead))
	g.POST("/discovery-jobs", h.createDiscoveryJob, need(permWrite))
	g.GET("/discovery-jobs/:id", h.getDiscoveryJob, need(permRead))
	g.PATCH("/discovery-jobs/:id", h.updateDiscoveryJob, need(permWrite))
	g.DELETE("/discovery-jobs/:id", h.deleteDiscoveryJob, need(permWrite))
	g.POST("/discovery-jobs/:id/run", h.runDiscoveryJob, need(permWrite))
	g.GET("/discovered", h.listDiscovered, need(permRead))
	g.POST("/discovered/adopt", h.adoptDiscovered, need(permWrite))
	g.POST("/discovered/ignore", h.ignoreDiscovered, need(permWrite))

	g.GET("/ca-bundles", h.listCABundles, need(permRead))
	g.POST("/ca-bundles", h.createCABundle, need(permAdmin))
	g.GET("/ca-bundles/:id", h.getCABundle, need(permRead))
	g.DELETE("/ca-bundles/:id", h.deleteCABundle, need(permAdmin))
	g.GET("/acme-directories", h.listACMEDirectories, need(permRead))
	g.POST("/acme-directories", h.createACMEDirectory, need(permAdmin))
	g.DELETE("/acme-directories/:id", h.deleteACMEDirectory, need(permAdmin))

	g.GET("/channel-types", h.listChannelTypes, need(permRead))
	g.GET("/channels", h.listChannels, need(permRead))
	g.POST("/channels", h.createChannel, need(permAdmin))
	g.GET("/channels/:id", h.getChannel, need(permRead))
	g.PATCH("/channels/:id", h.updateChannel, need(permAdmin))
	g.DELETE("/channels/:id", h.deleteChannel, need(permAdmin))
	g.POST("/channels/:id/test", h.testChannel, need(permAdmin))

	g.GET("/alert-rules", h.listRules, need(permRead))
	g.POST("/alert-rules", h.createRule, need(permAdmin))
	g.GET("/alert-rules/:id", h.getRule, need(permRead))
	g.PATCH("/alert-rules/:id", h.updateRule, need(permAdmin))
	g.DELETE("/alert-rules/:id", h.deleteRule, need(permAdmin))

	g.GET("/events", h.listEvents, need(permRead))
	g.GET("/events/:id", h.getEvent, need(permRead))
	g.POST("/events/:id/acknowledge", h.acknowledgeEvent, need(permWrite))
	g.DELETE("/events/:id/acknowledge", h.acknowledgeEvent, need(permWrite))
	g.POST("/events/:id/snooze", h.snoozeEvent, need(permWrite))
	g.DELETE("/events/:id/snooze", h.unsnoozeEvent, need(permWrite))

	g.GET("/maintenance-windows", h.listMaintenanceWindows, need(permRead))
	g.POST("/maintenance-windows", h.createMaintenanceWindow, need(permWrite))
	g.GET("/maintenance-windows/:id", h.getMaintenanceWindow, need(permRead))
	g.PATCH("/maintenance-windows/:id", h.updateMaintenanceWindow, need(permWrite))
	g.DELETE("/maintenance-windows/:id", h.deleteMaintenanceWindow, need(permWrite))

	g.GET("/insights/expiry-clusters", h.expiryClusters, need(permRead))
	g.GET("/insights/stale", h.staleEndpoints, need(permRead))
	g.GET("/insights/key-exchange", h.keyExchangeInsight, need(permRead))

	g.GET("/onboarding", h.onboarding, need(permRead))
	g.GET("/members", h.listMembers, need(permRead))
	g.PATCH("/members/:user_id", h.updateMember, need(permSession, permOwner))
	g.DELETE("/members/me", h.leave, need(permSession))
	g.DELETE("/members/:user_id", h.removeMember, need(permSession, permOwner))
	g.GET("/invitations", h.listInvitations, need(permSession, permOwner))
	g.POST("/invitations", h.createInvitation, need(permSession, permOwner))
	g.DELETE("/invitations/:id", h.revokeInvitation, need(permSession, permOwner))
	g.GET("/audit-log", h.listAudit, need(permAdmin))
	g.GET("/audit-log/facets", h.auditFacets, need(permAdmin))
	g.GET("/audit-log/export", h.exportAudit, need(permAdmin))

	g.GET("/metrics", h.metrics, need(permRead)) // metricsPath

	api.Any("/*", func(c echo.Context) error { return errNotFound })
	if ui != nil {
		e.GET("/*", echo.WrapHandler(ui))
	}
}
