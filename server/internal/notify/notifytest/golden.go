package notifytest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Golden compares got with testdata/name, or rewrites that file when the test runs with
// -update. Golden files let reviewers read exactly what a channel sends.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update to accept it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// GoldenRequests compares the bodies of reqs, each indented JSON, with testdata/name.
func GoldenRequests(t *testing.T, name string, reqs []Request) {
	t.Helper()
	var out bytes.Buffer
	for _, r := range reqs {
		fmt.Fprintf(&out, "%s %s\n", r.Method, r.RawPath)
		if err := json.Indent(&out, r.Body, "", "  "); err != nil {
			t.Fatalf("request body is not JSON: %v\n%s", err, r.Body)
		}
		out.WriteString("\n\n")
	}
	Golden(t, name, out.Bytes())
}
