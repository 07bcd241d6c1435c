package main

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"
	"github.com/goreleaser/nfpm/v2/rpm"

	"certinel.dev/agent/internal/service"
)

// Where the package puts things. The unit is the one `certinel-agent
// service install` writes, rendered for the packaged binary.
const (
	binaryPath = "/usr/bin/certinel-agent"
	envPath    = "/etc/certinel/agent.env"
)

// Formats are the package formats built, each with its packager.
var Formats = []string{"deb", "rpm"}

var packagers = map[string]nfpm.Packager{"deb": deb.Default, "rpm": rpm.DefaultRPM}

// unitPaths follow each family's convention: Debian's /lib (which merged-/usr
// systems resolve to /usr/lib), and /usr/lib for rpm, where a path through
// the /lib symlink would clash with the filesystem package.
var unitPaths = map[string]string{
	"deb": "/lib/systemd/system/" + service.Name + ".service",
	"rpm": "/usr/lib/systemd/system/" + service.Name + ".service",
}

//go:embed agent.env scripts/*.sh
var assets embed.FS

// Options says which binary to package.
type Options struct {
	Binary  string
	Arch    string // GOARCH: amd64 or arm64
	Version string
	OutDir  string
}

// Build writes the package of one format and returns its path:
// certinel-agent_<version>_<arch>.deb or certinel-agent-<version>.<arch>.rpm,
// arch as in the binary's name (amd64, arm64).
func Build(o Options, format string) (string, error) {
	packager, ok := packagers[format]
	if !ok {
		return "", fmt.Errorf("unknown format %q", format)
	}
	if _, err := os.Stat(o.Binary); err != nil {
		return "", fmt.Errorf("agent binary: %w", err)
	}
	staging, err := os.MkdirTemp("", "certinel-packaging")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(staging)
	info, err := packageInfo(o, format, staging)
	if err != nil {
		return "", err
	}
	if err := nfpm.PrepareForPackager(info, format); err != nil {
		return "", fmt.Errorf("%s: %w", format, err)
	}
	version := packageVersion(o.Version)
	name := map[string]string{
		"deb": fmt.Sprintf("%s_%s_%s.deb", service.Name, version, o.Arch),
		"rpm": fmt.Sprintf("%s-%s.%s.rpm", service.Name, version, o.Arch),
	}[format]
	if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(o.OutDir, name)
	// Written beside its final name and renamed, so a failed build
	// leaves no half package where the server serves them.
	tmp, err := os.CreateTemp(o.OutDir, "."+name+".*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if err := packager.Package(info, tmp); err != nil {
		tmp.Close()
		return "", fmt.Errorf("%s: %w", format, err)
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// packageInfo describes the package; the files nfpm reads (the unit, the
// scripts, the env file template) are written to staging first.
func packageInfo(o Options, format, staging string) (*nfpm.Info, error) {
	unit := filepath.Join(staging, "certinel-agent.service")
	if err := os.WriteFile(unit, []byte(service.Unit(binaryPath, envPath)), 0o644); err != nil {
		return nil, err
	}
	if err := os.CopyFS(staging, assets); err != nil {
		return nil, err
	}
	script := func(name string) string { return filepath.Join(staging, "scripts", name+".sh") }
	owned := func(owner, group string, mode os.FileMode) *files.ContentFileInfo {
		return &files.ContentFileInfo{Owner: owner, Group: group, Mode: mode}
	}
	info := &nfpm.Info{
		Name:          service.Name,
		Arch:          o.Arch,
		Platform:      "linux",
		Version:       packageVersion(o.Version),
		VersionSchema: "none",
		Maintainer:    "Certinel",
		Description:   "Certinel agent: checks the TLS certificates of a private network and reports them to a Certinel server.",
		Section:       "net",
		Priority:      "optional",
		Overridables: nfpm.Overridables{
			Contents: files.Contents{
				{Source: o.Binary, Destination: binaryPath, FileInfo: owned("root", "root", 0o755)},
				{Source: unit, Destination: unitPaths[format], FileInfo: owned("root", "root", 0o644)},
				{Source: filepath.Join(staging, "agent.env"), Destination: envPath, Type: files.TypeConfigNoReplace,
					FileInfo: owned("root", service.User, 0o640)},
				{Destination: "/etc/certinel", Type: files.TypeDir, FileInfo: owned("root", "root", 0o755)},
				{Destination: service.StateDir, Type: files.TypeDir, FileInfo: owned(service.User, service.User, 0o700)},
			},
			Scripts: nfpm.Scripts{
				PreInstall:  script("preinstall"),
				PostInstall: script("postinstall"),
				PreRemove:   script("preremove"),
				PostRemove:  script("postremove"),
			},
			RPM: nfpm.RPM{Summary: "Certinel agent", Group: "System Environment/Daemons"},
		},
	}
	return nfpm.WithDefaults(info), nil
}

// packageVersion turns `git describe --tags --always --dirty` into a version
// both dpkg and rpm accept and order: a tag v1.2.3 is 1.2.3, a build after it
// (1.2.3-4-gabc1234) 1.2.3+4.gabc1234, and an untagged commit
// 0.0.0+git.abc1234. Neither allows "-" in it (dpkg reads a revision there).
func packageVersion(describe string) string {
	v := strings.TrimPrefix(strings.TrimSpace(describe), "v")
	if v == "" || v[0] < '0' || v[0] > '9' || !strings.Contains(strings.SplitN(v, "-", 2)[0], ".") {
		v = "0.0.0+git." + v
	} else {
		v = strings.Replace(v, "-", "+", 1)
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '+' || r == '~' {
			return r
		}
		return '.'
	}, v)
}
