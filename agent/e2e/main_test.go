// Package e2e_test runs the real certinel-server and certinel-agent binaries
// against each other on loopback: a user sets things up through the HTTP API,
// the agent handshakes with TLS and STARTTLS listeners of the test, and the
// results must land on the server, through an outage and a restart too.
package e2e_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// agentVersion is stamped into the agent binary, so the test can see the
// server record the version the agent announced.
const agentVersion = "e2e-1.2.3"

// Paths of the binaries built once by TestMain.
var serverBin, agentBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "certinel-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := buildBinaries(dir); err != nil {
		// A build failure is a failure, never a skip: the test exists to
		// catch binaries that do not work.
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

func buildBinaries(dir string) error {
	// go test runs in the package directory, agent/e2e.
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root := filepath.Join(wd, "..", "..")
	serverBin = filepath.Join(dir, "certinel-server")
	agentBin = filepath.Join(dir, "certinel-agent")
	builds := []struct{ module, out, pkg, ldflags string }{
		{"server", serverBin, "./cmd/certinel-server", ""},
		{"agent", agentBin, "./cmd/certinel-agent", "-X main.version=" + agentVersion},
	}
	for _, b := range builds {
		// Built without -race even under go test -race: the binaries are
		// what ships, and the race runtime would slow every process start.
		cmd := exec.Command("go", "build", "-o", b.out, "-ldflags", b.ldflags, b.pkg)
		cmd.Dir = filepath.Join(root, b.module)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s in %s: %v\n%s", b.pkg, cmd.Dir, err, out)
		}
	}
	return nil
}
