package runner

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"certinel.dev/agent/internal/filesource"
	"certinel.dev/shared/wire"
)

// Certificate files are read in the same cycle as the targets and reach
// the server through the same batches, each result naming its file.
func TestFileResultsReachTheServer(t *testing.T) {
	root := issue(t, "Files Root", "ecdsa", nil, true)
	leaf := issue(t, "file.test", "ecdsa", &root, false)
	host, port := serveTLS(t, "tcp4", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{serverCert(leaf)}})
	e := newEnv(t, []wire.Target{{ID: "t1", Host: host, Port: port, Protocol: "tls"}})

	dir := t.TempDir()
	chain := filepath.Join(dir, "chain.pem")
	pemChain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.cert.Raw})...)
	if err := os.WriteFile(chain, pemChain, 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.crt")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	nothing := filepath.Join(dir, "none", "*.pem")
	e.runner.opts.Files = filesource.Options{Host: "agent-host", Logger: e.runner.opts.Logger,
		Sources: []filesource.Source{{Pattern: filepath.Join(dir, "*")}, {Pattern: nothing}}}

	sum, err := e.runner.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != 3 || sum.OK != 2 || sum.Failed != 2 || sum.Pushed != 4 || sum.Spooled != 0 ||
		sum.ByKind[wire.FileKindMalformed] != 1 || sum.ByKind[wire.FileKindMissing] != 1 {
		t.Errorf("summary = %+v", sum)
	}
	files := map[string]wire.Result{}
	targets := 0
	for _, batch := range e.fake.Results() {
		for _, res := range batch {
			if res.File == nil {
				targets++
				continue
			}
			if res.File.Host != "agent-host" || res.TargetID != "" {
				t.Errorf("file result %+v %+v", res, res.File)
			}
			files[res.File.Path] = res
		}
	}
	if targets != 1 || len(files) != 3 {
		t.Fatalf("%d target results and %d file results, want 1 and 3", targets, len(files))
	}
	got := files[chain]
	if got.File.Format != wire.FileFormatPEM || len(got.Chain) != 2 ||
		got.Chain[0] != base64.StdEncoding.EncodeToString(leaf.cert.Raw) || got.Error != "" {
		t.Errorf("chain.pem: %+v %+v", got, got.File)
	}
	if files[garbage].ErrorKind != wire.FileKindMalformed || files[nothing].ErrorKind != wire.FileKindMissing {
		t.Errorf("garbage %q, missing %q", files[garbage].ErrorKind, files[nothing].ErrorKind)
	}
}
