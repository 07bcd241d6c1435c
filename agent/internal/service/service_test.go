package service

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSystem records the tools an installer runs; Output answers from
// outputs, and fails for a command it has no answer for (as `id -u` does
// for a missing user).
type fakeSystem struct {
	calls   []string
	outputs map[string]string
}

func (f *fakeSystem) Run(name string, args ...string) error {
	f.calls = append(f.calls, strings.Join(append([]string{name}, args...), " "))
	return nil
}

func (f *fakeSystem) Output(name string, args ...string) ([]byte, error) {
	cmd := strings.Join(append([]string{name}, args...), " ")
	f.calls = append(f.calls, cmd)
	out, ok := f.outputs[cmd]
	if !ok {
		return nil, errors.New("exit status 1")
	}
	return []byte(out), nil
}

// newRoot makes a temporary root holding the env file.
func newRoot(t *testing.T, envFile string) string {
	t.Helper()
	root := t.TempDir()
	full := filepath.Join(root, envFile)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte("CERTINEL_SERVER_URL=https://certinel.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func readFile(t *testing.T, path string) (string, os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data), fi.Mode().Perm()
}

func TestNewWantsAbsolutePaths(t *testing.T) {
	for _, o := range []Options{
		{Executable: "certinel-agent", EnvFile: "/etc/certinel/agent.env"},
		{Executable: "/usr/local/bin/certinel-agent", EnvFile: "agent.env"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%q, %q) = nil error, want one", o.Executable, o.EnvFile)
		}
	}
}

func TestInstallNeedsEnvFile(t *testing.T) {
	sys := &fakeSystem{}
	for name, m := range map[string]Manager{
		"systemd": systemd{Options{Executable: "/usr/local/bin/certinel-agent", EnvFile: "/etc/certinel/agent.env", Root: t.TempDir(), System: sys, Out: io.Discard}},
		"launchd": launchd{Options{Executable: "/usr/local/bin/certinel-agent", EnvFile: "/etc/certinel/agent.env", Root: t.TempDir(), System: sys, Out: io.Discard}},
	} {
		err := m.Install()
		if err == nil || !strings.Contains(err.Error(), "CERTINEL_AGENT_TOKEN") {
			t.Errorf("%s: Install without env file: %v, want an error naming what it must hold", name, err)
		}
	}
	if len(sys.calls) != 0 {
		t.Errorf("ran %q before finding the env file missing", sys.calls)
	}
}

// Without a root (production), paths are used as given: a Windows path
// joined to a root would lose its drive letter.
func TestPathWithoutRoot(t *testing.T) {
	for _, p := range []string{`C:\ProgramData\Certinel\agent.env`, "/etc/certinel/agent.env"} {
		if got := (Options{}).path(p); got != p {
			t.Errorf("path(%q) = %q", p, got)
		}
	}
	if got := (Options{Root: "/tmp/root"}).path("/etc/certinel/agent.env"); got != "/tmp/root/etc/certinel/agent.env" {
		t.Errorf("under a root: %q", got)
	}
}

// containsAll checks a rendered service definition: every line wanted is
// in it, and no placeholder is left.
func containsAll(t *testing.T, doc string, wants []string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(doc, want) {
			t.Errorf("lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "{") {
		t.Errorf("has a placeholder left:\n%s", doc)
	}
}
