package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type agentCertificateItem struct {
	Serial    string     `json:"serial"`
	Status    string     `json:"status"`
	Origin    string     `json:"origin"`
	NotBefore time.Time  `json:"not_before"`
	NotAfter  time.Time  `json:"not_after"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

type agentCertificatePage struct {
	Items []agentCertificateItem `json:"items"`
	Total int64                  `json:"total"`
}

// statuses is serial → status of a page of an agent's certificates.
func statuses(p agentCertificatePage) map[string]string {
	out := map[string]string{}
	for _, c := range p.Items {
		out[c.Serial] = c.Status
	}
	return out
}

// TestRevokeOneOfTwoLiveAgentCertificates: after a renewal the agent holds
// two live certificates; revoking the old one refuses it from the next
// request while the new one keeps working, and the CRL lists exactly it.
func TestRevokeOneOfTwoLiveAgentCertificates(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		spec := newSpecValidator(t, fetchOpenAPI(t, srv))
		tn := srv.newTenant(t, "one@example.com")
		// The audit log's details are free-form, beyond the document's
		// strict schema: it is read without the validator.
		auditor := *tn.browser
		auditor.http = &http.Client{Jar: tn.browser.http.Jar}
		base, roots := srv.tlsListener(t)
		old := enroll(t, srv, base, roots, joinToken(t, tn))
		oldAgent := srv.tlsClient(t, base, roots, old.tlsCert(t))
		renewed, _ := certRequest(t, oldAgent, "/"+wire.RenewPath, nil, http.StatusOK)
		newAgent := srv.tlsClient(t, base, roots, renewed.tlsCert(t))
		browser := spec.watch(tn.browser)
		list := "/api/v1/agents/" + tn.agentID + "/certificates"

		var page agentCertificatePage
		browser.must(http.StatusOK, "GET", list, nil, &page)
		if page.Total != 2 || len(page.Items) != 2 {
			t.Fatalf("listed %+v, want the enrolled and the renewed certificate", page)
		}
		first, second := page.Items[0], page.Items[1]
		if first.Serial != renewed.resp.Serial || first.Status != "current" || first.Origin != "renewed" ||
			second.Serial != old.resp.Serial || second.Status != "superseded" || second.Origin != "enrolled" {
			t.Errorf("listed %+v then %+v: want the renewed one current, then the enrolled one superseded", first, second)
		}
		if !first.NotAfter.Equal(renewed.leaf.NotAfter) || !first.NotBefore.Equal(renewed.leaf.NotBefore) || first.RevokedAt != nil {
			t.Errorf("renewed certificate listed as %+v, issued %s to %s", first, renewed.leaf.NotBefore, renewed.leaf.NotAfter)
		}

		// The serial as openssl prints it (upper case, colon pairs) is read.
		var revoked agentCertificateItem
		browser.must(http.StatusOK, "POST", list+"/"+opensslSerial(old.resp.Serial)+"/revoke", nil, &revoked)
		if revoked.Serial != old.resp.Serial || revoked.Status != "revoked" || revoked.RevokedAt == nil {
			t.Errorf("revoke answered %+v", revoked)
		}
		r := oldAgent.do("GET", "/api/v1/agent/targets", nil)
		if r.Status != http.StatusUnauthorized || errorCode(t, r) != "client_certificate_refused" {
			t.Errorf("revoked old certificate: status %d: %s", r.Status, r.Body)
		}
		newAgent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)
		var agent agentCertJSON
		browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &agent)
		if agent.CertificateSerial != renewed.resp.Serial {
			t.Errorf("agent's current certificate %q after revoking the old one, want %s", agent.CertificateSerial, renewed.resp.Serial)
		}
		crl := fetchCRL(t, srv)
		if len(crl.RevokedCertificateEntries) != 1 || !listed(crl, old.leaf.SerialNumber) {
			t.Errorf("CRL lists %d entries, want exactly serial %s", len(crl.RevokedCertificateEntries), old.resp.Serial)
		}

		// Again: 409, nothing changes.
		if r := browser.do("POST", list+"/"+old.resp.Serial+"/revoke", nil); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "revoked already") {
			t.Errorf("second revocation: status %d: %s", r.Status, r.Body)
		}

		// Revoking the current certificate leaves the agent without one.
		browser.must(http.StatusOK, "POST", list+"/"+renewed.resp.Serial+"/revoke", nil, nil)
		if r := newAgent.do("GET", "/api/v1/agent/targets", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("revoked current certificate: status %d: %s", r.Status, r.Body)
		}
		browser.must(http.StatusOK, "GET", "/api/v1/agents/"+tn.agentID, nil, &agent)
		if agent.CertificateSerial != "" || agent.CertificateNotAfter != nil {
			t.Errorf("agent still shows certificate %+v after its revocation", agent)
		}
		browser.must(http.StatusOK, "GET", list, nil, &page)
		if got := statuses(page); got[old.resp.Serial] != "revoked" || got[renewed.resp.Serial] != "revoked" {
			t.Errorf("statuses after both revocations: %v", got)
		}

		var audit struct {
			Items []struct {
				Action   string
				TargetID string `json:"target_id"`
				Details  map[string]any
			}
		}
		auditor.must(http.StatusOK, "GET", "/api/v1/audit-log", nil, &audit)
		serials := map[any]bool{}
		for _, a := range audit.Items {
			if a.Action == "agent.certificate_revoke" && a.TargetID == tn.agentID {
				serials[a.Details["serial"]] = true
			}
		}
		if !serials[old.resp.Serial] || !serials[renewed.resp.Serial] {
			t.Errorf("audit log's revocations name serials %v, want %s and %s", serials, old.resp.Serial, renewed.resp.Serial)
		}
	})
}

func TestAgentCertificatesTenantScopedAndBadSerial(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		tn := srv.newTenant(t, "mine@example.com")
		base, roots := srv.tlsListener(t)
		e := enroll(t, srv, base, roots, joinToken(t, tn))
		list := "/api/v1/agents/" + tn.agentID + "/certificates"

		other := srv.newTenant(t, "theirs@example.com")
		other.browser.must(http.StatusNotFound, "GET", list, nil, nil)
		other.browser.must(http.StatusNotFound, "POST", list+"/"+e.resp.Serial+"/revoke", nil, nil)
		// Their own agent does not reach this one's certificate either.
		other.browser.must(http.StatusNotFound, "POST", "/api/v1/agents/"+other.agentID+"/certificates/"+e.resp.Serial+"/revoke", nil, nil)
		srv.tlsClient(t, base, roots, e.tlsCert(t)).must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, nil)

		r := tn.browser.do("POST", list+"/not-a-serial/revoke", nil)
		if r.Status != http.StatusBadRequest || r.errorField() != "serial" {
			t.Errorf("malformed serial: status %d: %s", r.Status, r.Body)
		}
		tn.browser.must(http.StatusNotFound, "POST", list+"/abc123/revoke", nil, nil)

		// An agent never enrolled has an empty history.
		var page agentCertificatePage
		other.browser.must(http.StatusOK, "GET", "/api/v1/agents/"+other.agentID+"/certificates", nil, &page)
		if page.Total != 0 || page.Items == nil || len(page.Items) != 0 {
			t.Errorf("history of an agent never enrolled: %+v", page)
		}
	})
}

// opensslSerial writes a serial as openssl prints it: upper-case byte
// pairs joined by colons.
func opensslSerial(hex string) string {
	if len(hex)%2 == 1 {
		hex = "0" + hex
	}
	var pairs []string
	for i := 0; i < len(hex); i += 2 {
		pairs = append(pairs, strings.ToUpper(hex[i:i+2]))
	}
	return strings.Join(pairs, ":")
}
