package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// names lists a directory, so a test can see that no temporary file is left.
func names(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		out = append(out, de.Name())
	}
	return out
}

func TestWrite(t *testing.T) {
	cases := map[string]struct {
		existing []byte // nil: no file before
		data     []byte
		perm     fs.FileMode
	}{
		"new file":           {data: []byte("hello"), perm: 0o600},
		"replaces old":       {existing: []byte("a much longer old content"), data: []byte("new"), perm: 0o600},
		"empty":              {existing: []byte("old"), data: []byte{}, perm: 0o600},
		"readable by others": {data: []byte("{}"), perm: 0o644},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "state.json")
			if c.existing != nil {
				if err := os.WriteFile(path, c.existing, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(path, c.data, c.perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != string(c.data) {
				t.Fatalf("content = %q %v, want %q", got, err, c.data)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" && info.Mode().Perm() != c.perm {
				t.Errorf("mode = %v, want %v", info.Mode().Perm(), c.perm)
			}
			if n := names(t, dir); len(n) != 1 || n[0] != "state.json" {
				t.Errorf("directory holds %v, want only state.json", n)
			}
		})
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	// The target is a directory: the rename fails after the temporary file
	// was written, which must then be removed.
	target := filepath.Join(dir, "taken")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("x"), 0o600); err == nil {
		t.Fatal("write over a non-empty directory succeeded")
	}
	if n := names(t, dir); len(n) != 1 || n[0] != "taken" {
		t.Errorf("directory holds %v, want only the directory that was there", n)
	}
	if err := Write(filepath.Join(dir, "missing", "f"), []byte("x"), 0o600); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

func TestMove(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	from, to := filepath.Join(dir, "a"), filepath.Join(sub, "b")
	if err := Write(from, []byte("payload"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Move(from, to); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(to); err != nil || string(got) != "payload" {
		t.Fatalf("moved content = %q %v", got, err)
	}
	if _, err := os.Stat(from); !os.IsNotExist(err) {
		t.Errorf("source still there: %v", err)
	}
	if err := Move(from, to); err == nil {
		t.Error("moving a missing file succeeded")
	}
}
