package config

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	in := "\ufeff# Certinel agent\n" +
		"CERTINEL_SERVER_URL=https://c.example.com\r\n" +
		"\n" +
		"   # indented comment\n" +
		"  CERTINEL_API_KEY=abc=def\n" +
		"CERTINEL_AGENT_TOKEN=\"quoted\"\n" +
		"CERTINEL_LOG_LEVEL=debug # not a comment\n" +
		"CERTINEL_EMPTY=\n" +
		"HOME\n" +
		"CERTINEL_CA_FILE=$HOME/ca.pem\n"
	got, err := ParseEnvFile(strings.NewReader(in), "environment.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"CERTINEL_SERVER_URL":  "https://c.example.com",
		"CERTINEL_API_KEY":     "abc=def",
		"CERTINEL_AGENT_TOKEN": `"quoted"`, // docker keeps quotes too
		"CERTINEL_LOG_LEVEL":   "debug # not a comment",
		"CERTINEL_EMPTY":       "",
		"CERTINEL_CA_FILE":     "$HOME/ca.pem", // no shell expansion
	}
	if !maps.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestParseEnvFileErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=value\n", "config: env line 1: missing variable name before '='"},
		{"OK=1\nBAD KEY=1\n", `config: env line 2: invalid variable name "BAD KEY"`},
		{"export X=1\n", `config: env line 1: invalid variable name "export X"`},
		{"1X=1\n", `config: env line 1: invalid variable name "1X"`},
		{"X=" + strings.Repeat("a", 70000) + "\n", "config: read env: bufio.Scanner: token too long"},
	}
	for _, tt := range tests {
		_, err := ParseEnvFile(strings.NewReader(tt.in), "env")
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseEnvFile(%.20q) error = %v, want %s", tt.in, err, tt.want)
		}
	}
}

func TestReadEnvFile(t *testing.T) {
	dir := t.TempDir()
	if vars, err := ReadEnvFile(filepath.Join(dir, "environment.txt"), true); err != nil || len(vars) != 0 {
		t.Errorf("optional missing file: %v %v", vars, err)
	}
	if _, err := ReadEnvFile(filepath.Join(dir, "nope.txt"), false); err == nil {
		t.Error("explicit missing file: no error")
	}
	path := filepath.Join(dir, "agent.env")
	if err := os.WriteFile(path, []byte("CERTINEL_API_KEY=k\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if vars, err := ReadEnvFile(path, false); err != nil || vars["CERTINEL_API_KEY"] != "k" {
		t.Errorf("got %v %v", vars, err)
	}
}

// FuzzParseEnvFile checks that no input panics and that every parsed key is a
// valid name whose value holds no line break.
func FuzzParseEnvFile(f *testing.F) {
	f.Add("A=1\n# c\nB=2=3\r\n")
	f.Add("\ufeffX=\n  Y=z\nZ\n")
	f.Fuzz(func(t *testing.T, in string) {
		vars, err := ParseEnvFile(strings.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		for k, v := range vars {
			if checkKey(k) != nil || strings.ContainsAny(v, "\n") {
				t.Errorf("bad pair %q=%q from %q", k, v, in)
			}
		}
	})
}
