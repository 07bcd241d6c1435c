package httpapi_test

import (
	"context"
	"crypto/x509"
	"net/http"
	"testing"
	"time"

	"certinel.dev/server/internal/auth"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

type enrollmentJSON struct {
	ID                string     `json:"id"`
	AgentID           string     `json:"agent_id"`
	AgentName         string     `json:"agent_name"`
	KeyFingerprint    string     `json:"key_fingerprint"`
	Status            string     `json:"status"`
	DecidedAt         *time.Time `json:"decided_at"`
	DecidedBy         string     `json:"decided_by"`
	CertificateSerial string     `json:"certificate_serial"`
}

func requireApproval(t testing.TB, tn tenant, on bool) {
	t.Helper()
	var got struct {
		RequireEnrollmentApproval bool `json:"require_enrollment_approval"`
	}
	tn.browser.must(http.StatusOK, "PATCH", "/api/v1/organization", map[string]bool{"require_enrollment_approval": on}, &got)
	if got.RequireEnrollmentApproval != on {
		t.Fatalf("require_enrollment_approval is %v, want %v", got.RequireEnrollmentApproval, on)
	}
}

// holdEnrollment enrolls a fresh key with the join token and expects the
// enrollment held for approval.
func holdEnrollment(t testing.TB, c *client) (enrolled, wire.EnrollmentStatus) {
	t.Helper()
	key := mustKey(t)
	_, r := certRequest(t, c, "/"+wire.EnrollPath, key, http.StatusAccepted)
	var st wire.EnrollmentStatus
	r.json(t, &st)
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "pending" || st.EnrollmentID == "" || st.KeyFingerprint != wire.KeyFingerprint(spki) {
		t.Fatalf("held enrollment %+v, want pending for key %s", st, wire.KeyFingerprint(spki))
	}
	return enrolled{key: key}, st
}

func enrollmentsOf(t testing.TB, c *client, status string) []enrollmentJSON {
	t.Helper()
	var out struct{ Items []enrollmentJSON }
	c.must(http.StatusOK, "GET", "/api/v1/agent-enrollments?status="+status, nil, &out)
	return out.Items
}

// approvalCase is an organization that requires approval, with an agent
// whose enrollment is held; calls are checked against the OpenAPI document.
type approvalCase struct {
	tn       tenant
	auditor  client // reads the audit log, whose details are free-form
	agent    *client
	base     string
	roots    *x509.CertPool
	enrolled enrolled // the key, without a certificate yet
	held     wire.EnrollmentStatus
}

func newApprovalCase(t testing.TB, srv *testServer, email string) approvalCase {
	spec := newSpecValidator(t, fetchOpenAPI(t, srv))
	f := approvalCase{tn: srv.newTenant(t, email)}
	f.auditor = *f.tn.browser
	f.auditor.http = &http.Client{Jar: f.tn.browser.http.Jar}
	spec.watch(f.tn.browser)
	requireApproval(t, f.tn, true)
	f.base, f.roots = srv.tlsListener(t)
	f.agent = spec.watch(srv.tlsClient(t, f.base, f.roots, nil))
	f.agent.bearer = joinToken(t, f.tn)
	f.enrolled, f.held = holdEnrollment(t, f.agent)
	return f
}

// TestEnrollmentApprovalIssuesForTheSubmittedKey: with approval required
// the join token buys a pending enrollment; the agent polls with the same
// token, and once an admin approves receives a certificate for the key it
// submitted, which authenticates it over mutual TLS.
func TestEnrollmentApprovalIssuesForTheSubmittedKey(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		f := newApprovalCase(t, srv, "approve@example.com")
		tn, agent, base, roots, e, held := f.tn, f.agent, f.base, f.roots, f.enrolled, f.held
		poll := "/" + wire.EnrollmentsPath + held.EnrollmentID

		var st wire.EnrollmentStatus
		agent.must(http.StatusAccepted, "GET", poll, nil, &st)
		if st != held {
			t.Errorf("poll while pending: %+v, want %+v", st, held)
		}
		// The token is spent: it cannot enroll another key.
		certRequest(t, agent, "/"+wire.EnrollPath, nil, http.StatusUnauthorized)
		thief := srv.tlsClient(t, base, roots, nil)
		thief.bearer = joinToken(t, tn)
		thief.must(http.StatusUnauthorized, "GET", poll, nil, nil)
		thief.bearer = ""
		thief.must(http.StatusUnauthorized, "GET", poll, nil, nil)
		var agentNow agentCertJSON
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &agentNow)
		if agentNow.CertificateSerial != "" {
			t.Errorf("a pending enrollment issued certificate %s", agentNow.CertificateSerial)
		}

		pending := enrollmentsOf(t, tn.browser, "pending")
		if len(pending) != 1 || pending[0].ID != held.EnrollmentID || pending[0].AgentID != tn.agentID ||
			pending[0].AgentName != "dc1" || pending[0].KeyFingerprint != held.KeyFingerprint || pending[0].DecidedAt != nil {
			t.Fatalf("pending enrollments %+v, want the held one", pending)
		}
		// Another organization neither sees nor decides it.
		other := srv.newTenant(t, "other-approver@example.com")
		if got := enrollmentsOf(t, other.browser, "pending"); len(got) != 0 {
			t.Errorf("another organization lists %+v", got)
		}
		other.browser.must(http.StatusNotFound, "POST", "/api/v1/agent-enrollments/"+held.EnrollmentID+"/approve", nil, nil)
		other.browser.must(http.StatusNotFound, "POST", "/api/v1/agent-enrollments/"+held.EnrollmentID+"/reject", nil, nil)

		var approved enrollmentJSON
		tn.browser.must(http.StatusOK, "POST", "/api/v1/agent-enrollments/"+held.EnrollmentID+"/approve", nil, &approved)
		if approved.Status != "approved" || approved.DecidedAt == nil || approved.DecidedBy != "approve@example.com" || approved.CertificateSerial == "" {
			t.Errorf("approved enrollment %+v", approved)
		}
		for _, action := range []string{"approve", "reject"} {
			r := tn.browser.do("POST", "/api/v1/agent-enrollments/"+held.EnrollmentID+"/"+action, nil)
			if r.Status != http.StatusConflict || errorCode(t, r) != "enrollment_decided" {
				t.Errorf("%s after approval: status %d: %s", action, r.Status, r.Body)
			}
		}
		if got := enrollmentsOf(t, tn.browser, "approved"); len(got) != 1 || got[0].ID != held.EnrollmentID {
			t.Errorf("approved enrollments %+v", got)
		}

		agent.must(http.StatusOK, "GET", poll, nil, &e.resp)
		e.leaf = parseLeaf(t, e.resp.Certificate)
		if !e.key.PublicKey.Equal(e.leaf.PublicKey) || e.resp.Serial != approved.CertificateSerial {
			t.Fatalf("poll answered serial %s for another key, want %s", e.resp.Serial, approved.CertificateSerial)
		}
		var targets wire.TargetsResponse
		srv.tlsClient(t, base, roots, e.tlsCert(t)).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
		if targets.Agent.ID != tn.agentID {
			t.Errorf("authenticated as agent %q, want %q", targets.Agent.ID, tn.agentID)
		}
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &agentNow)
		if agentNow.CertificateSerial != e.resp.Serial {
			t.Errorf("agent shows certificate %q, want %s", agentNow.CertificateSerial, e.resp.Serial)
		}
		var history agentCertificatePage
		tn.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID+"/certificates", nil, &history)
		if len(history.Items) != 1 || history.Items[0].Serial != e.resp.Serial || history.Items[0].Origin != "enrolled" {
			t.Errorf("certificate history after approval %+v, want the approved certificate, enrolled", history.Items)
		}

		var audit struct {
			Items []struct {
				Action     string
				ActorLabel string `json:"actor_label"`
			}
		}
		f.auditor.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, &audit)
		actors := map[string]string{}
		for _, a := range audit.Items {
			actors[a.Action] = a.ActorLabel
		}
		if actors["agent.enrollment_request"] == "" || actors["agent.enrollment_approve"] != "approve@example.com" {
			t.Errorf("audit log %+v lacks the request or the approval", audit.Items)
		}
	})
}

// TestEnrollmentRejectedOrExpired: a rejected or expired enrollment is
// refused to the polling agent, each with its code, and cannot be
// approved; with the setting off, enrollment issues at once again.
func TestEnrollmentRejectedOrExpired(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		f := newApprovalCase(t, srv, "reject@example.com")
		tn, agent, held := f.tn, f.agent, f.held

		var rejected enrollmentJSON
		tn.browser.must(http.StatusOK, "POST", "/api/v1/agent-enrollments/"+held.EnrollmentID+"/reject", nil, &rejected)
		if rejected.Status != "rejected" || rejected.CertificateSerial != "" {
			t.Errorf("rejected enrollment %+v", rejected)
		}
		tn.browser.must(http.StatusConflict, "POST", "/api/v1/agent-enrollments/"+held.EnrollmentID+"/approve", nil, nil)
		r := agent.do("GET", "/"+wire.EnrollmentsPath+held.EnrollmentID, nil)
		if r.Status != http.StatusForbidden || errorCode(t, r) != wire.EnrollmentRejected {
			t.Errorf("poll after rejection: status %d: %s", r.Status, r.Body)
		}

		// An enrollment nobody decided in time.
		ctx := context.Background()
		orgID := tn.session.Organization.ID
		secret, hash, display, err := auth.NewToken(auth.PrefixJoinToken)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.store.CreateAgentJoinToken(ctx, orgID, tn.agentID, hash, display, time.Hour); err != nil {
			t.Fatal(err)
		}
		tok, err := srv.store.SpendAgentJoinToken(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		lapsed, err := srv.store.CreateAgentEnrollment(ctx, orgID, store.AgentEnrollment{AgentID: tn.agentID, JoinTokenID: tok.ID,
			CSR: csrFor(t, mustKey(t)), KeyFingerprint: "sha256:00"}, -time.Second)
		if err != nil {
			t.Fatal(err)
		}
		agent.bearer = secret
		r = agent.do("GET", "/"+wire.EnrollmentsPath+lapsed.ID, nil)
		if r.Status != http.StatusForbidden || errorCode(t, r) != wire.EnrollmentExpired {
			t.Errorf("poll after expiry: status %d: %s", r.Status, r.Body)
		}
		r = tn.browser.do("POST", "/api/v1/agent-enrollments/"+lapsed.ID+"/approve", nil)
		if r.Status != http.StatusConflict || errorCode(t, r) != wire.EnrollmentExpired {
			t.Errorf("approving an expired enrollment: status %d: %s", r.Status, r.Body)
		}
		if got := enrollmentsOf(t, tn.browser, "expired"); len(got) != 1 || got[0].ID != lapsed.ID || got[0].Status != "expired" {
			t.Errorf("expired enrollments %+v", got)
		}
		if got := enrollmentsOf(t, tn.browser, "pending"); len(got) != 0 {
			t.Errorf("pending enrollments %+v, want none", got)
		}
		if r := tn.browser.do("GET", "/api/v1/agent-enrollments?status=maybe", nil); r.Status != http.StatusBadRequest {
			t.Errorf("unknown status filter: %d", r.Status)
		}

		// The setting off: the join token issues at once, as before.
		requireApproval(t, tn, false)
		agent.bearer = joinToken(t, tn)
		certRequest(t, agent, "/"+wire.EnrollPath, nil, http.StatusOK)
	})
}
