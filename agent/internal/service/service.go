// Package service installs the agent as the operating system's own service:
// a systemd unit on Linux, a launchd daemon on macOS, a Windows service. The
// installed service runs `certinel-agent run --env-file PATH` as an
// unprivileged account and is restarted when it fails.
//
// The systemd and launchd installers only write files under Options.Root and
// run the platform's tools through Options.System, so both are tested on
// Linux against a temporary root; which one a build uses is chosen in the
// platform_*.go files.
package service

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Name is the service's name on every platform (systemd unit, Windows
// service, event log source); the launchd label is Label.
const Name = "certinel-agent"

// ErrUnsupported is returned on platforms with no installer.
var ErrUnsupported = errors.New("service: not supported on this platform")

// System runs the platform's own tools (systemctl, useradd, launchctl, dscl).
type System interface {
	// Run shows the tool's output to the operator.
	Run(name string, args ...string) error
	// Output returns the tool's standard output to the installer.
	Output(name string, args ...string) ([]byte, error)
}

// Options says what to install and where.
type Options struct {
	Executable string // absolute path of the agent binary the service starts
	EnvFile    string // absolute path of the env file given to `run --env-file`
	// Root is a directory the systemd and launchd installers write under
	// instead of "/": a temporary directory in tests, empty in production.
	Root   string
	System System
	Out    io.Writer // one line per step, for the operator
}

// Manager is one platform's service manager.
type Manager interface {
	Install() error
	Uninstall() error
	Start() error
	Stop() error
	Status() error
}

// New returns the manager of this platform (see platform_*.go).
func New(o Options) (Manager, error) {
	if !filepath.IsAbs(o.Executable) || !filepath.IsAbs(o.EnvFile) {
		return nil, fmt.Errorf("service: executable %q and env file %q must be absolute paths", o.Executable, o.EnvFile)
	}
	return newPlatform(o)
}

// path is p (an absolute path on the target system) under the root. With
// no root it is p itself: joined to "\", a Windows path would lose its drive.
func (o Options) path(p string) string {
	if o.Root == "" {
		return p
	}
	return filepath.Join(o.Root, p)
}

func (o Options) say(format string, args ...any) {
	fmt.Fprintf(o.Out, format+"\n", args...)
}

// requireEnvFile refuses to install a service that could only fail: the
// env file holds the server URL and both tokens and is written first.
func (o Options) requireEnvFile() error {
	if _, err := os.Stat(o.path(o.EnvFile)); err != nil {
		return fmt.Errorf("service: env file: %w (write CERTINEL_SERVER_URL, CERTINEL_AGENT_TOKEN and CERTINEL_API_KEY there first, see environment.example)", err)
	}
	return nil
}

// writeFile writes a service definition, replacing an older one.
func (o Options) writeFile(p string, data []byte, mode os.FileMode) error {
	full := o.path(p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("service: %w", err)
	}
	if err := os.WriteFile(full, data, mode); err != nil {
		return fmt.Errorf("service: %w", err)
	}
	// WriteFile keeps the mode of a file that already existed.
	if err := os.Chmod(full, mode); err != nil {
		return fmt.Errorf("service: %w", err)
	}
	o.say("wrote %s", p)
	return nil
}

// removeFile removes a service definition; one already gone is fine.
func (o Options) removeFile(p string) error {
	if err := os.Remove(o.path(p)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("service: %w", err)
	}
	o.say("removed %s", p)
	return nil
}

// run runs a tool and wraps its failure with what was attempted.
func (o Options) run(name string, args ...string) error {
	if err := o.System.Run(name, args...); err != nil {
		return fmt.Errorf("service: %s %v: %w", name, args, err)
	}
	return nil
}
