package service

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// The Linux service: a system user with no shell and no login, and a unit
// whose state directory (the spool) only that user can read.
const (
	User      = "certinel-agent"
	StateDir  = "/var/lib/certinel-agent"
	UnitPath  = "/etc/systemd/system/" + Name + ".service"
	unitName  = Name + ".service"
	runSystem = "/run/systemd/system" // present only when systemd is PID 1
)

// Unit renders the systemd unit that runs executable with envFile. The
// package ships the same unit, rendered for /usr/bin/certinel-agent.
//
// The hardening leaves the agent what it uses: outbound TCP and DNS
// (AF_INET, AF_INET6, and AF_UNIX for a local resolver), its state
// directory, and read access to the env file and the CA roots. No
// capabilities at all: it never listens on a port.
func Unit(executable, envFile string) string {
	return strings.NewReplacer(
		"{exec}", systemdQuote(executable),
		"{env}", systemdQuote(envFile),
		"{user}", User,
		"{state}", StateDir,
	).Replace(unitTemplate)
}

const unitTemplate = `[Unit]
Description=Certinel agent: checks the TLS certificates of this network
After=network-online.target
Wants=network-online.target

[Service]
Type=exec
ExecStart={exec} run --env-file {env}
User={user}
Group={user}
Environment=CERTINEL_SPOOL_DIR={state}/spool
StateDirectory=certinel-agent
StateDirectoryMode=0700
UMask=0077
Restart=on-failure
RestartSec=10s
# Exit status 2 is a bad configuration: restarting cannot fix it.
RestartPreventExitStatus=2

NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
`

// systemdQuote quotes a path for ExecStart, where spaces split words,
// backslashes and quotes are escapes and % starts a specifier.
func systemdQuote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%").Replace(s)
	return `"` + s + `"`
}

type systemd struct{ Options }

// booted tells whether systemd manages this system; in a container or a
// chroot it does not, and systemctl would only fail.
func (s systemd) booted() bool {
	fi, err := os.Stat(s.path(runSystem))
	return err == nil && fi.IsDir()
}

func (s systemd) Install() error {
	if err := s.requireEnvFile(); err != nil {
		return err
	}
	for _, p := range []string{s.Executable, s.EnvFile} {
		if dir := hiddenBySandbox(p); dir != "" {
			return fmt.Errorf("service: %s is under %s, which the service's sandbox hides (ProtectHome, PrivateTmp): move it, e.g. to /usr/local/bin or /etc/certinel", p, dir)
		}
	}
	if err := s.ensureUser(); err != nil {
		return err
	}
	// The agent reads the env file itself, as its own user; nobody else
	// may read the tokens in it.
	if err := s.run("chown", "root:"+User, s.path(s.EnvFile)); err != nil {
		return err
	}
	if err := os.Chmod(s.path(s.EnvFile), 0o640); err != nil {
		return err
	}
	if err := s.writeFile(UnitPath, []byte(Unit(s.Executable, s.EnvFile)), 0o644); err != nil {
		return err
	}
	if !s.booted() {
		s.say("systemd is not running here: the unit is installed, start it with `systemctl enable --now %s` once it is", Name)
		return nil
	}
	// restart, not start: a second install picks up a new binary or env file.
	for _, args := range [][]string{{"daemon-reload"}, {"enable", unitName}, {"restart", unitName}} {
		if err := s.run("systemctl", args...); err != nil {
			return err
		}
	}
	s.say("%s is running; follow it with `journalctl -u %s -f`", Name, Name)
	return nil
}

// hiddenBySandbox returns the directory of p that the unit's ProtectHome
// and PrivateTmp hide from the service, or "".
func hiddenBySandbox(p string) string {
	for _, dir := range []string{"/home", "/root", "/run/user", "/tmp", "/var/tmp"} {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return dir
		}
	}
	return ""
}

// ensureUser creates the system user (and its group) unless it exists.
func (s systemd) ensureUser() error {
	if _, err := s.System.Output("id", "-u", User); err == nil {
		return nil
	}
	return s.run("useradd", "--system", "--user-group", "--no-create-home",
		"--home-dir", StateDir, "--shell", "/usr/sbin/nologin", "--comment", "Certinel agent", User)
}

func (s systemd) Uninstall() error {
	if s.booted() {
		if err := s.run("systemctl", "disable", "--now", unitName); err != nil {
			return err
		}
	}
	if err := s.removeFile(UnitPath); err != nil {
		return err
	}
	if s.booted() {
		if err := s.run("systemctl", "daemon-reload"); err != nil {
			return err
		}
	}
	s.say("kept the env file, %s and the user %s; `userdel %s && rm -r %s` removes the last two",
		StateDir, User, User, StateDir)
	return nil
}

func (s systemd) Start() error  { return s.systemctl("start") }
func (s systemd) Stop() error   { return s.systemctl("stop") }
func (s systemd) Status() error { return s.systemctl("status", "--no-pager") }

func (s systemd) systemctl(verb string, args ...string) error {
	if !s.booted() {
		return errors.New("service: systemd is not running here")
	}
	return s.run("systemctl", append([]string{verb, unitName}, args...)...)
}
