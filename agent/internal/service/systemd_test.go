package service

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestUnit(t *testing.T) {
	unit := Unit("/opt/my tools/certinel-agent", "/etc/certinel/100%.env")
	containsAll(t, unit, []string{
		`ExecStart="/opt/my tools/certinel-agent" run --env-file "/etc/certinel/100%%.env"`,
		"User=certinel-agent\n",
		"StateDirectory=certinel-agent\n",
		"StateDirectoryMode=0700\n",
		"Environment=CERTINEL_SPOOL_DIR=/var/lib/certinel-agent/spool\n",
		"Restart=on-failure\n",
		"NoNewPrivileges=yes\n",
		"ProtectSystem=strict\n",
		"ProtectHome=yes\n",
		"PrivateTmp=yes\n",
		"CapabilityBoundingSet=\n",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n",
		"WantedBy=multi-user.target\n",
	})
}

func TestSystemdInstallWithoutSystemd(t *testing.T) {
	const exe, env = "/usr/local/bin/certinel-agent", "/etc/certinel/agent.env"
	root := newRoot(t, env)
	sys := &fakeSystem{}
	m := systemd{Options{Executable: exe, EnvFile: env, Root: root, System: sys, Out: io.Discard}}
	if err := m.Install(); err != nil {
		t.Fatal(err)
	}
	unit, mode := readFile(t, filepath.Join(root, UnitPath))
	if unit != Unit(exe, env) || mode != 0o644 {
		t.Errorf("unit file (mode %o):\n%s\nwant mode 644 and:\n%s", mode, unit, Unit(exe, env))
	}
	if _, mode := readFile(t, filepath.Join(root, env)); mode != 0o640 {
		t.Errorf("env file mode %o, want 640", mode)
	}
	// No systemctl: this root has no /run/systemd/system.
	want := []string{
		"id -u certinel-agent",
		"useradd --system --user-group --no-create-home --home-dir /var/lib/certinel-agent --shell /usr/sbin/nologin --comment Certinel agent certinel-agent",
		"chown root:certinel-agent " + filepath.Join(root, env),
	}
	if !reflect.DeepEqual(sys.calls, want) {
		t.Errorf("ran\n%q\nwant\n%q", sys.calls, want)
	}
	if err := m.Start(); err == nil {
		t.Error("Start without systemd: nil error")
	}
}

func TestSystemdInstallWithSystemd(t *testing.T) {
	const exe, env = "/usr/local/bin/certinel-agent", "/etc/certinel/agent.env"
	root := newRoot(t, env)
	if err := os.MkdirAll(filepath.Join(root, "run/systemd/system"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The user exists already: it is not made again.
	sys := &fakeSystem{outputs: map[string]string{"id -u certinel-agent": "998\n"}}
	m := systemd{Options{Executable: exe, EnvFile: env, Root: root, System: sys, Out: io.Discard}}
	if err := m.Install(); err != nil {
		t.Fatal(err)
	}
	if err := m.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := m.Uninstall(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"id -u certinel-agent",
		"chown root:certinel-agent " + filepath.Join(root, env),
		"systemctl daemon-reload",
		"systemctl enable certinel-agent.service",
		"systemctl restart certinel-agent.service",
		"systemctl stop certinel-agent.service",
		"systemctl disable --now certinel-agent.service",
		"systemctl daemon-reload",
	}
	if !reflect.DeepEqual(sys.calls, want) {
		t.Errorf("ran\n%q\nwant\n%q", sys.calls, want)
	}
	if _, err := os.Stat(filepath.Join(root, UnitPath)); !os.IsNotExist(err) {
		t.Errorf("unit file after uninstall: %v, want it gone", err)
	}
	if _, err := os.Stat(filepath.Join(root, env)); err != nil {
		t.Errorf("env file after uninstall: %v, want it kept", err)
	}
}

// TestUnitVerifies has systemd's own checker read the unit, where it is
// installed (systemd need not be running).
func TestUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	exe, err := os.Executable() // ExecStart must name a file that exists
	if err != nil {
		t.Fatal(err)
	}
	unit := filepath.Join(t.TempDir(), unitName)
	if err := os.WriteFile(unit, []byte(Unit(exe, DefaultEnvFile)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, analyze, "verify", unit).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// A binary or env file the sandbox hides would make a service that can
// only fail: install refuses it and runs nothing.
func TestSystemdInstallRefusesHiddenPaths(t *testing.T) {
	for _, c := range []struct{ exe, env string }{
		{"/home/ann/Downloads/certinel-agent", "/etc/certinel/agent.env"},
		{"/usr/local/bin/certinel-agent", "/root/agent.env"},
		{"/usr/local/bin/certinel-agent", "/tmp/agent.env"},
	} {
		sys := &fakeSystem{}
		m := systemd{Options{Executable: c.exe, EnvFile: c.env, Root: newRoot(t, c.env), System: sys, Out: io.Discard}}
		if err := m.Install(); err == nil || !strings.Contains(err.Error(), "sandbox hides") {
			t.Errorf("%s, %s: %v, want a refusal", c.exe, c.env, err)
		}
		if len(sys.calls) > 0 {
			t.Errorf("%s, %s: ran %q", c.exe, c.env, sys.calls)
		}
	}
}
