// Package filesource reads certificates from files on the agent's own host:
// PEM, DER, PKCS#12, JKS and JCEKS keystores and CRLs, named by path patterns in
// the agent's local configuration (never by the server). Each certificate
// item becomes one wire.Result with File set; a file that cannot be read
// becomes one Result that says why, and the run goes on.
package filesource

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"certinel.dev/shared/wire"
)

// MaxMatches bounds the files one pattern reads in a cycle: a pattern that
// matches more (a glob over a huge directory) reads the first MaxMatches
// in lexical order and logs a warning.
const MaxMatches = 1000

// Source is one configured path pattern (filepath.Match syntax) and the
// password of the keystores it matches ("" for none).
type Source struct {
	Pattern  string
	Password string
}

// String shows the pattern alone, so that printing a Source never shows
// its password.
func (s Source) String() string { return s.Pattern }

// Options says what to read and how to name it.
type Options struct {
	Host    string // the agent host's name, sent with every item
	Sources []Source
	Logger  *slog.Logger
}

// Read reads every file the sources match and calls emit once per item or
// failed file. A file matched by several patterns is read once, with the
// first pattern's password.
func Read(ctx context.Context, opts Options, emit func(wire.Result)) {
	seen := map[string]bool{}
	for _, src := range opts.Sources {
		if ctx.Err() != nil {
			return
		}
		paths, err := filepath.Glob(src.Pattern)
		if err != nil || len(paths) == 0 {
			emit(missing(opts.Host, src.Pattern))
			continue
		}
		if len(paths) > MaxMatches {
			opts.Logger.Warn("file pattern matches too many files; reading the first ones only",
				"pattern", src.Pattern, "matched", len(paths), "read", MaxMatches)
			paths = paths[:MaxMatches]
		}
		for _, path := range paths {
			if ctx.Err() != nil {
				return
			}
			if seen[path] {
				continue
			}
			seen[path] = true
			for _, res := range readOne(opts.Host, path, src.Password) {
				emit(res)
			}
		}
	}
}

func missing(host, pattern string) wire.Result {
	return wire.Result{
		ObservedAt: time.Now().UTC(),
		File:       &wire.FileItem{Host: host, Path: pattern, Format: guessFromName(pattern)},
		Error:      "no file matches the pattern",
		ErrorKind:  wire.FileKindMissing,
	}
}

// readOne reads one file into results: one per item, or one that says why
// the file gave none.
func readOne(host, path, password string) []wire.Result {
	start := time.Now()
	data, err := readBounded(path)
	var items []Item
	format := guessFromName(path)
	if err == nil {
		items, format, err = Parse(data, path, password)
		clear(data) // a combined PEM or a keystore may hold a private key
	}
	base := wire.Result{ObservedAt: start.UTC(), DurationMS: time.Since(start).Milliseconds()}
	if err != nil {
		res := base
		res.File = &wire.FileItem{Host: host, Path: path, Format: format}
		res.Error, res.ErrorKind = err.Error(), kindOf(err)
		return []wire.Result{res}
	}
	out := make([]wire.Result, len(items))
	for i, it := range items {
		res := base
		res.Chain = make([]string, len(it.Chain))
		for j, der := range it.Chain {
			res.Chain[j] = base64.StdEncoding.EncodeToString(der)
		}
		res.File = &wire.FileItem{Host: host, Path: path, Entry: it.Entry, Format: it.Format}
		if it.CRL != nil {
			res.File.CRL = base64.StdEncoding.EncodeToString(it.CRL)
		}
		out[i] = res
	}
	return out
}

// readBounded reads a regular file of at most wire.MaxFileSize bytes,
// following symbolic links. It stats before opening so that a FIFO or a
// device is refused without blocking, and never reads past the bound.
func readBounded(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, openError(err)
	}
	switch {
	case fi.IsDir():
		return nil, &fileError{kind: wire.FileKindUnreadable, msg: "the path is a directory"}
	case !fi.Mode().IsRegular():
		return nil, &fileError{kind: wire.FileKindUnreadable, msg: "not a regular file (" + fi.Mode().Type().String() + ")"}
	case fi.Size() > wire.MaxFileSize:
		return nil, tooLarge(fi.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, openError(err)
	}
	defer f.Close()
	// One byte more than the size at stat tells a file that grew since.
	buf := make([]byte, fi.Size()+1)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		clear(buf)
		return nil, &fileError{kind: wire.FileKindUnreadable, msg: "read failed: " + unwrapPath(err).Error()}
	}
	if n > int(fi.Size()) {
		clear(buf)
		return nil, &fileError{kind: wire.FileKindUnreadable, msg: "the file changed while it was read; it is read again next cycle"}
	}
	return buf[:n], nil
}

func tooLarge(size int64) error {
	return &fileError{kind: wire.FileKindTooLarge,
		msg: fmt.Sprintf("the file has %d bytes, more than the %d the agent reads", size, wire.MaxFileSize)}
}

// openError names why a path could not be opened, without repeating the
// path the result already carries.
func openError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		// Globs match dangling links, and a file may go between glob and open.
		return &fileError{kind: wire.FileKindMissing, msg: "the file does not exist (or is a dangling symbolic link)"}
	}
	return &fileError{kind: wire.FileKindUnreadable, msg: "cannot open: " + unwrapPath(err).Error()}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
