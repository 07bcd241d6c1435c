package httpapi_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

type fileSourceOut struct {
	ID            string   `json:"id"`
	Protocol      string   `json:"protocol"`
	Status        string   `json:"status"`
	DaysLeft      *int     `json:"days_left"`
	SHA256        *string  `json:"sha256"`
	LastErrorKind string   `json:"last_error_kind"`
	Problems      []string `json:"problems"`
	File          *struct {
		Host   string `json:"host"`
		Path   string `json:"path"`
		Entry  string `json:"entry"`
		Format string `json:"format"`
	} `json:"file"`
}

// pemChain writes a chain to a PEM file and reads it back as an agent
// would, each certificate base64 of its DER.
func pemChain(t *testing.T, ders [][]byte) (path string, chain []string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "web.pem")
	var buf []byte
	for _, der := range ders {
		buf = append(buf, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		chain = append(chain, base64.StdEncoding.EncodeToString(block.Bytes))
	}
	return path, chain
}

// TestFileSourcesIngest pushes certificates read from files: a chain read
// from a PEM file that expires in 10 days is judged with every verdict but
// the host name match and raises an expiring alert and no mismatch, a
// keystore with a wrong password is listed with its error, bad file
// results are refused alone, and another organization sees nothing.
func TestFileSourcesIngest(t *testing.T) {
	forEachDialect(t, func(t *testing.T, srv *testServer) {
		a := srv.newTenant(t, "files@example.com")
		agent := srv.agentClient(t, a)
		_, inter, rootDER, interDER := newCA(t)
		// A year-long certificate for a web host, 10 days from expiry; the
		// file is on build01.
		now := time.Now().UTC()
		_, leaf := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pay.example.com"}, DNSNames: []string{"pay.example.com"},
			NotBefore: now.AddDate(-1, 0, 10), NotAfter: now.Add(10*24*time.Hour + time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, &inter, mustKey(t))
		path, chain := pemChain(t, [][]byte{leaf, interDER, rootDER})
		var var0 wire.ResultsResponse
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "files-1", Results: []wire.Result{
			{ObservedAt: now, Chain: chain, File: &wire.FileItem{Host: "build01", Path: path, Format: wire.FileFormatPEM}},
			{ObservedAt: now, Error: "keystore password incorrect", ErrorKind: wire.FileKindPassword,
				File: &wire.FileItem{Host: "build01", Path: "/opt/app/keystore.p12", Format: wire.FileFormatPKCS12}},
			{TargetID: a.agentID, ObservedAt: now, Chain: chain, File: &wire.FileItem{Host: "build01", Path: "/x.pem", Format: wire.FileFormatPEM}},
			{ObservedAt: now, Chain: chain, File: &wire.FileItem{Host: "build01", Path: "/a\x00b.pem", Format: wire.FileFormatPEM}},
			{ObservedAt: now, Chain: chain, File: &wire.FileItem{Host: "build01", Path: "/y.pem", Format: "zip"}},
		}}, &var0)
		if var0.Accepted != 2 || len(var0.Rejected) != 3 {
			t.Fatalf("batch: %+v", var0)
		}
		for i, r := range var0.Rejected {
			if r.Index != i+2 || r.Error == "" {
				t.Errorf("rejection %d: %+v", i, r)
			}
		}

		var list listOut[fileSourceOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/file-sources?sort=host", nil, &list)
		if list.Total != 2 {
			t.Fatalf("file sources: %+v", list)
		}
		byPath := map[string]fileSourceOut{}
		for _, f := range list.Items {
			byPath[f.File.Path] = f
		}
		web, p12 := byPath[path], byPath["/opt/app/keystore.p12"]
		if web.Protocol != "file" || web.File.Host != "build01" || web.File.Format != "pem" || web.Status != "expiring" ||
			web.DaysLeft == nil || *web.DaysLeft != 10 || web.SHA256 == nil || *web.SHA256 != fingerprint(leafOf(t, chain)) {
			t.Fatalf("PEM item: %+v", web)
		}
		if slices.Contains(web.Problems, "hostname_mismatch") || slices.Contains(web.Problems, "untrusted") {
			t.Fatalf("PEM item judged on a host name or untrusted: %v", web.Problems)
		}
		if p12.Status != "unreachable" || p12.LastErrorKind != wire.FileKindPassword {
			t.Fatalf("keystore item: %+v", p12)
		}
		// The filter finds an item by its path.
		a.browser.must(http.StatusOK, "GET", "/api/v1/file-sources?q=keystore", nil, &list)
		if list.Total != 1 || list.Items[0].ID != p12.ID {
			t.Fatalf("q=keystore: %+v", list)
		}

		// The same push again makes no new item.
		agent.must(http.StatusOK, "POST", "/api/v1/agent/results", wire.ResultsRequest{BatchID: "files-2", Results: []wire.Result{
			{ObservedAt: now.Add(time.Minute), Chain: chain, File: &wire.FileItem{Host: "build01", Path: path, Format: wire.FileFormatPEM}},
		}}, nil)
		a.browser.must(http.StatusOK, "GET", "/api/v1/file-sources", nil, &list)
		if list.Total != 2 {
			t.Fatalf("second push: %d items", list.Total)
		}

		// The expiring certificate alerts; nothing about its name.
		var events listOut[struct {
			Type     string `json:"type"`
			DomainID string `json:"domain_id"`
		}]
		a.browser.must(http.StatusOK, "GET", "/api/v1/events?per_page=100", nil, &events)
		var expiring bool
		for _, e := range events.Items {
			expiring = expiring || (e.Type == "expiring" && e.DomainID == web.ID)
			if e.Type == "hostname_mismatch" {
				t.Errorf("hostname mismatch raised for a file: %+v", e)
			}
		}
		if !expiring {
			t.Fatalf("no expiring event for the file item: %+v", events.Items)
		}

		// The detail, the agent's targets, and the edits a file allows.
		var detail struct {
			fileSourceOut
			Chain []struct {
				SHA256 string `json:"sha256"`
			} `json:"chain"`
		}
		a.browser.must(http.StatusOK, "GET", "/api/v1/file-sources/"+web.ID, nil, &detail)
		if len(detail.Chain) != 3 || detail.File == nil {
			t.Fatalf("detail: %+v", detail)
		}
		var targets wire.TargetsResponse
		agent.must(http.StatusOK, "GET", "/api/v1/agent/targets", nil, &targets)
		if len(targets.Targets) != 0 {
			t.Fatalf("file items sent as targets: %+v", targets.Targets)
		}
		if r := a.browser.do("PATCH", "/api/v1/domains/"+web.ID, map[string]any{"host": "other"}); r.Status != http.StatusBadRequest {
			t.Fatalf("renaming a file item: %d %s", r.Status, r.Body)
		}
		a.browser.must(http.StatusOK, "PATCH", "/api/v1/domains/"+web.ID, map[string]any{"tags": []string{"java"}}, nil)
		var endpoints listOut[fileSourceOut]
		a.browser.must(http.StatusOK, "GET", "/api/v1/domains?kind=endpoint", nil, &endpoints)
		if endpoints.Total != 0 {
			t.Fatalf("kind=endpoint lists files: %+v", endpoints)
		}

		// Another organization sees none of it.
		b := srv.newTenant(t, "nosy-files@example.com")
		b.browser.must(http.StatusOK, "GET", "/api/v1/file-sources", nil, &list)
		if list.Total != 0 {
			t.Fatalf("other organization lists %d file items", list.Total)
		}
		if r := b.browser.do("GET", "/api/v1/file-sources/"+web.ID, nil); r.Status != http.StatusNotFound {
			t.Fatalf("other organization reads a file item: %d", r.Status)
		}
		// A network endpoint is no file item.
		var d domainOut
		a.browser.must(http.StatusCreated, "POST", "/api/v1/domains", map[string]any{"host": "pay.example.com", "agent_id": a.agentID}, &d)
		if r := a.browser.do("GET", "/api/v1/file-sources/"+d.ID, nil); r.Status != http.StatusNotFound {
			t.Fatalf("an endpoint read as a file item: %d", r.Status)
		}
	})
}

func leafOf(t *testing.T, chain []string) []byte {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(chain[0])
	if err != nil {
		t.Fatal(err)
	}
	return der
}
