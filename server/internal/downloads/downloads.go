// Package downloads describes the agent builds a server offers for
// download: the files of one directory that its SHA256SUMS lists. Nothing
// outside that list is ever opened, so the directory may hold other files
// and a requested name is never a path.
package downloads

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// SumsFile lists the offered files with their SHA-256, as sha256sum writes it.
const SumsFile = "SHA256SUMS"

// ErrUnavailable: the directory, or its SHA256SUMS, is missing or lists
// nothing; the server was built without the agents.
var ErrUnavailable = errors.New("downloads: no agent builds")

// ErrNotFound: the name is not one of the listed files.
var ErrNotFound = errors.New("downloads: no such file")

// Kinds of file.
const (
	KindBinary = "binary"
	KindDeb    = "deb"
	KindRPM    = "rpm"
	KindOther  = "other"
)

// File is one offered file.
type File struct {
	Name    string
	OS      string
	Arch    string
	Kind    string
	Size    int64
	SHA256  string
	ModTime time.Time
}

// Dir is a directory of agent builds; with no Path it offers none.
type Dir struct {
	Path string
}

// List reads SHA256SUMS and describes each listed file that exists, in
// the list's order. It reads the directory on every call, so builds made
// while the server runs show up at once.
func (d Dir) List() ([]File, error) {
	sums, err := d.sums()
	if err != nil {
		return nil, err
	}
	out := make([]File, 0, len(sums))
	for _, s := range sums {
		f, err := d.stat(s)
		if errors.Is(err, fs.ErrNotExist) {
			continue // listed but gone: not offered
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, ErrUnavailable
	}
	return out, nil
}

// Open opens a listed file, or SHA256SUMS itself. The caller closes it.
func (d Dir) Open(name string) (*os.File, File, error) {
	sums, err := d.sums()
	if err != nil {
		return nil, File{}, err
	}
	var entry sum
	switch i := slices.IndexFunc(sums, func(s sum) bool { return s.name == name }); {
	case name == SumsFile:
		entry = sum{name: SumsFile}
	case i >= 0:
		entry = sums[i]
	default:
		return nil, File{}, ErrNotFound
	}
	f, err := os.Open(filepath.Join(d.Path, entry.name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, File{}, ErrNotFound
	}
	if err != nil {
		return nil, File{}, fmt.Errorf("downloads: open %s: %w", entry.name, err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, File{}, ErrNotFound
	}
	return f, describe(entry, info), nil
}

type sum struct {
	name, sha256 string
}

// maxSums bounds what is read of SHA256SUMS: a few dozen lines in practice.
const maxSums = 1000

// nameRe is what a listed name may be: a plain file name, no directory, no
// leading dot.
var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)

var sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

// sums parses SHA256SUMS ("<hex>  <name>" or "<hex> *<name>" per line).
// Lines that are not a plain name with a SHA-256 are skipped, never opened.
func (d Dir) sums() ([]sum, error) {
	if d.Path == "" {
		return nil, ErrUnavailable
	}
	f, err := os.Open(filepath.Join(d.Path, SumsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrUnavailable
	}
	if err != nil {
		return nil, fmt.Errorf("downloads: read %s: %w", SumsFile, err)
	}
	defer f.Close()
	var out []sum
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < maxSums {
		hash, name, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		name = strings.TrimPrefix(strings.TrimPrefix(name, " "), "*")
		if !ok || !sha256Re.MatchString(hash) || !nameRe.MatchString(name) || name == SumsFile {
			continue
		}
		out = append(out, sum{name: name, sha256: hash})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("downloads: read %s: %w", SumsFile, err)
	}
	if len(out) == 0 {
		return nil, ErrUnavailable
	}
	return out, nil
}

func (d Dir) stat(s sum) (File, error) {
	info, err := os.Stat(filepath.Join(d.Path, s.name))
	if err != nil {
		return File{}, err
	}
	if !info.Mode().IsRegular() {
		return File{}, fs.ErrNotExist
	}
	return describe(s, info), nil
}

func describe(s sum, info fs.FileInfo) File {
	f := File{Name: s.name, SHA256: s.sha256, Size: info.Size(), ModTime: info.ModTime()}
	f.OS, f.Arch, f.Kind = platform(s.name)
	return f
}

var (
	binaryRe = regexp.MustCompile(`^certinel-agent-(linux|darwin|windows)-(amd64|arm64)(\.exe)?$`)
	debRe    = regexp.MustCompile(`^certinel-agent_[^_]+_(amd64|arm64)\.deb$`)
	rpmRe    = regexp.MustCompile(`^certinel-agent-.+\.(x86_64|aarch64)\.rpm$`)
)

// rpmArch maps RPM's architecture names to Go's.
var rpmArch = map[string]string{"x86_64": "amd64", "aarch64": "arm64"}

// platform reads the OS, architecture and kind from a file's name, as
// make agent-dist and the packaging name them.
func platform(name string) (goos, arch, kind string) {
	if m := binaryRe.FindStringSubmatch(name); m != nil && (m[3] == "") == (m[1] != "windows") {
		return m[1], m[2], KindBinary
	}
	if m := debRe.FindStringSubmatch(name); m != nil {
		return "linux", m[1], KindDeb
	}
	if m := rpmRe.FindStringSubmatch(name); m != nil {
		return "linux", rpmArch[m[1]], KindRPM
	}
	return "", "", KindOther
}
