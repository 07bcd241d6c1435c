package e2e_test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sniNames are the virtual hosts nginx serves on one port, each with its
// own certificate.
var sniNames = []string{"a.sni.certinel.test", "b.sni.certinel.test", "c.sni.certinel.test"}

// TestVirtualHostsBehindOneNginxPort monitors three names that nginx serves
// by SNI on one loopback port: the server accepts a domain per name (the
// same address, port and agent), the real agent checks each with its own
// SNI, and each domain shows its own certificate, judged against its name.
func TestVirtualHostsBehindOneNginxPort(t *testing.T) {
	nginx := nginxBinary(t)
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			databaseURL := ""
			if db == "postgres" {
				databaseURL = postgresSchema(t)
			}
			srv := newReplica(t, databaseURL)
			u := signup(t, srv.url)
			web := newPKI(t)
			u.uploadCABundle("SNI test CA", web.rootPEM)
			cred := u.createAgent("vhosts")

			dir := t.TempDir()
			portNumber := freePort(t)
			port := strconv.Itoa(portNumber)
			var site strings.Builder
			want := map[string]string{} // SNI → leaf SHA-256
			for _, name := range sniNames {
				leaf := web.issue(t, name, nil, 60)
				certFile, keyFile := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
				writePEMs(t, certFile, leaf)
				writeFile(t, keyFile, keyPEM(t, leaf))
				want[name] = fingerprint(leaf.Certificate[0])
				site.WriteString("server {\nlisten 127.0.0.1:" + port + " ssl;\nserver_name " + name + ";\nssl_certificate " + certFile +
					";\nssl_certificate_key " + keyFile + ";\nreturn 204;\n}\n")
			}
			runNginx(t, nginx, dir, port, site.String())

			ids := map[string]string{} // SNI → domain ID
			for _, name := range sniNames {
				var d struct {
					ID string `json:"id"`
				}
				u.call(http.MethodPost, "/api/v1/domains", map[string]any{
					"host": "127.0.0.1", "port": portNumber, "sni": name, "agent_id": cred.agentID,
				}, http.StatusCreated, &d)
				ids[name] = d.ID
			}

			if code, sum := install(t, cred).once(srv.url); code != 0 || sum.OK != len(sniNames) {
				t.Fatalf("agent once: exit %d, summary %+v, want %d checks ok", code, sum, len(sniNames))
			}
			seen := map[string]bool{}
			for _, name := range sniNames {
				d := u.domain(ids[name])
				if d.SHA256 == nil || *d.SHA256 != want[name] {
					t.Errorf("%s: leaf %v, want its own certificate %s", name, deref(d.SHA256), want[name])
					continue
				}
				if d.Status != "ok" || d.TrustStatus != "trusted_org_ca" || len(d.Problems) != 0 {
					t.Errorf("%s: status %q, trust %q, problems %v; want ok, trusted_org_ca, none (a name mismatch would be a problem)", name, d.Status, d.TrustStatus, d.Problems)
				}
				seen[*d.SHA256] = true
			}
			if len(seen) != len(sniNames) {
				t.Errorf("the three names showed %d distinct certificates", len(seen))
			}
		})
	}
}
