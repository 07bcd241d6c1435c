package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"certinel.dev/agent/internal/service"
)

func TestPackageVersion(t *testing.T) {
	for describe, want := range map[string]string{
		"v1.2.3":                    "1.2.3",
		"1.2.3":                     "1.2.3",
		"v1.2.3-4-gabc1234":         "1.2.3+4.gabc1234",
		"v1.2.3-4-gabc1234-dirty":   "1.2.3+4.gabc1234.dirty",
		"3afeb78":                   "0.0.0+git.3afeb78",
		"3afeb78-dirty":             "0.0.0+git.3afeb78.dirty",
		"abcdef0":                   "0.0.0+git.abcdef0",
		"v2.0.0-rc1_x\n":            "2.0.0+rc1.x",
		"":                          "0.0.0+git.",
		"release/2026-11 some junk": "0.0.0+git.release.2026.11.some.junk",
	} {
		if got := packageVersion(describe); got != want {
			t.Errorf("packageVersion(%q) = %q, want %q", describe, got, want)
		}
	}
}

// agentBinary is the agent built for this machine by TestMain, as make
// agent-packages builds it for each architecture.
var agentBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "certinel-packaging-test")
	if err != nil {
		panic(err)
	}
	agentBinary = filepath.Join(dir, "certinel-agent")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-X main.version=7.7.7-pkgtest", "-o", agentBinary, "./cmd/certinel-agent")
	build.Dir = ".."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("build certinel-agent: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildPackage(t *testing.T, format string) string {
	t.Helper()
	path, err := Build(Options{Binary: agentBinary, Arch: "amd64", Version: "v1.2.3-4-gabc1234", OutDir: t.TempDir()}, format)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRPMFiles(t *testing.T) {
	path := buildPackage(t, "rpm")
	if filepath.Base(path) != "certinel-agent-1.2.3+4.gabc1234.amd64.rpm" {
		t.Errorf("package name %s", filepath.Base(path))
	}
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("rpm is not installed: the package was built, its file list is not checked")
	}
	out, err := exec.Command("rpm", "-qp", "--queryformat", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"-rwxr-xr-x root root  /usr/bin/certinel-agent",
		"-rw-r--r-- root root  /usr/lib/systemd/system/certinel-agent.service",
		"-rw-r----- root certinel-agent cn /etc/certinel/agent.env",
		"drwx------ certinel-agent certinel-agent  /var/lib/certinel-agent",
	} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("rpm lacks %q:\n%s", want, out)
		}
	}
	scripts, err := exec.Command("rpm", "-qp", "--scripts", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"preinstall scriptlet", "postinstall scriptlet", "preuninstall scriptlet", "postuninstall scriptlet", "useradd --system"} {
		if !bytes.Contains(scripts, []byte(want)) {
			t.Errorf("rpm scripts lack %q:\n%s", want, scripts)
		}
	}
}

// requireDpkgMachine skips unless the test may install packages here: it
// needs root and dpkg (as in CI), and refuses to touch a machine where the
// agent is installed already.
func requireDpkgMachine(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("not root: dpkg -i cannot run")
	}
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg is missing")
	}
	if _, err := user.Lookup(service.User); err == nil {
		t.Skip("a certinel-agent user exists here already; not touching this machine's install")
	}
	if exec.Command("dpkg", "-s", service.Name).Run() == nil {
		t.Skip("the certinel-agent package is installed here already; not touching it")
	}
	if _, err := os.Stat("/etc/certinel"); err == nil {
		t.Skip("/etc/certinel exists here already; not touching it")
	}
}

// installDeb installs the package and purges it when the test ends.
func installDeb(t *testing.T, args ...string) {
	t.Helper()
	deb := buildPackage(t, "deb")
	if filepath.Base(deb) != "certinel-agent_1.2.3+4.gabc1234_amd64.deb" {
		t.Errorf("package name %s", filepath.Base(deb))
	}
	t.Cleanup(func() { _ = exec.Command("dpkg", "--purge", service.Name).Run() })
	dpkg(t, append(args, "--install", deb)...)
}

// TestDebInstallsWithDpkg installs the package on this machine for real,
// checks what it put in place, purges it and checks that it is all gone.
func TestDebInstallsWithDpkg(t *testing.T) {
	requireDpkgMachine(t)
	installDeb(t)

	agent, err := user.Lookup(service.User)
	if err != nil {
		t.Fatalf("user after install: %v", err)
	}
	uid, _ := strconv.Atoi(agent.Uid)
	gid, _ := strconv.Atoi(agent.Gid)
	if agent.HomeDir != service.StateDir {
		t.Errorf("home %s, want %s", agent.HomeDir, service.StateDir)
	}
	if shell := loginShell(t, service.User); shell != "/usr/sbin/nologin" {
		t.Errorf("shell %q, want /usr/sbin/nologin", shell)
	}
	if uid >= 1000 {
		t.Errorf("uid %d is not a system user's", uid)
	}
	for _, f := range []struct {
		path     string
		mode     os.FileMode
		uid, gid int
	}{
		{"/usr/bin/certinel-agent", 0o755, 0, 0},
		{"/lib/systemd/system/certinel-agent.service", 0o644, 0, 0},
		{"/etc/certinel/agent.env", 0o640, 0, gid},
		{service.StateDir, os.ModeDir | 0o700, uid, gid},
	} {
		fi, err := os.Stat(f.path)
		if err != nil {
			t.Errorf("after install: %v", err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode() != f.mode || int(st.Uid) != f.uid || int(st.Gid) != f.gid {
			t.Errorf("%s: mode %v owner %d:%d, want %v %d:%d", f.path, fi.Mode(), st.Uid, st.Gid, f.mode, f.uid, f.gid)
		}
	}
	unit, err := os.ReadFile("/lib/systemd/system/certinel-agent.service")
	if err != nil || string(unit) != service.Unit(binaryPath, envPath) {
		t.Errorf("unit file (%v):\n%s", err, unit)
	}
	env, err := os.ReadFile(envPath)
	if err != nil || !bytes.Contains(env, []byte("\nCERTINEL_AGENT_TOKEN=\n")) {
		t.Errorf("env file (%v):\n%s", err, env)
	}
	out, err := exec.Command(binaryPath, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "certinel-agent 7.7.7-pkgtest ") {
		t.Errorf("%s version: %v %q", binaryPath, err, out)
	}
	conffiles := dpkg(t, "--status", service.Name)
	if !strings.Contains(conffiles, "Conffiles:\n "+envPath+" ") {
		t.Errorf("%s is not a conffile:\n%s", envPath, conffiles)
	}

	dpkg(t, "--purge", service.Name)
	for _, p := range []string{binaryPath, "/lib/systemd/system/certinel-agent.service", envPath, "/etc/certinel", service.StateDir} {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s after purge: %v, want it gone", p, err)
		}
	}
	if _, err := user.Lookup(service.User); err == nil {
		t.Errorf("user %s after purge, want it gone", service.User)
	}
	if _, err := user.LookupGroup(service.User); err == nil {
		t.Errorf("group %s after purge, want it gone", service.User)
	}
}

// A one-step install writes the env file first, then installs the package
// with --force-confold: dpkg keeps that file (it would ask otherwise), and
// the package gives it its owner and mode.
func TestDebKeepsAPreparedEnvFile(t *testing.T) {
	requireDpkgMachine(t)
	const prepared = "CERTINEL_SERVER_URL=https://127.0.0.1:1\nCERTINEL_AGENT_TOKEN=t\nCERTINEL_API_KEY=k\n"
	t.Cleanup(func() { _ = os.RemoveAll("/etc/certinel") })
	if err := os.MkdirAll("/etc/certinel", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(envPath, []byte(prepared), 0o600); err != nil {
		t.Fatal(err)
	}
	installDeb(t, "--force-confold")
	agent, err := user.LookupGroup(service.User)
	if err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(envPath)
	if err != nil || string(env) != prepared {
		t.Errorf("env file after install (%v):\n%s\nwant it kept:\n%s", err, env, prepared)
	}
	fi, err := os.Stat(envPath)
	if err != nil {
		t.Fatal(err)
	}
	if gid := strconv.Itoa(int(fi.Sys().(*syscall.Stat_t).Gid)); fi.Mode() != 0o640 || gid != agent.Gid {
		t.Errorf("env file mode %v group %s, want 0640 and %s", fi.Mode(), gid, agent.Gid)
	}
}

// dpkg runs dpkg and returns its output. Another package manager at work
// on the machine (apt installing something) holds dpkg's lock: then it
// waits and tries again, up to 60 times 2 s, each run bounded too.
func dpkg(t *testing.T, args ...string) string {
	t.Helper()
	for range 60 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		out, err := exec.CommandContext(ctx, "dpkg", args...).CombinedOutput()
		cancel()
		if err == nil {
			return string(out)
		}
		if !bytes.Contains(out, []byte("locked by another process")) {
			t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		time.Sleep(2 * time.Second)
	}
	t.Fatalf("dpkg %s: dpkg's lock stayed held by another process", strings.Join(args, " "))
	return ""
}

func loginShell(t *testing.T, name string) string {
	t.Helper()
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(passwd), "\n") {
		if f := strings.Split(line, ":"); len(f) == 7 && f[0] == name {
			return f[6]
		}
	}
	t.Fatalf("%s is not in /etc/passwd", name)
	return ""
}
