package config

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// ParseEnvFile reads the docker --env-file syntax: one KEY=VALUE per line,
// blank lines and lines starting with '#' ignored. Values are taken
// literally, without quote removal or shell expansion, exactly as docker does,
// so one file works for both `docker run --env-file` and the bare binary. A
// line with a bare KEY means "take KEY from the environment" in docker; here
// the environment wins anyway, so such a line adds nothing.
func ParseEnvFile(r io.Reader, name string) (map[string]string, error) {
	vars := make(map[string]string)
	sc := bufio.NewScanner(r)
	// Long lines (a CA bundle pasted by mistake) must fail clearly, not be cut.
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		key, value, _ := strings.Cut(trimmed, "=")
		if err := checkKey(key); err != nil {
			return nil, fmt.Errorf("config: %s line %d: %w", name, line, err)
		}
		if strings.Contains(trimmed, "=") {
			vars[key] = value
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config: read %s: %w", name, err)
	}
	return vars, nil
}

// ReadEnvFile parses the env file at path. When optional is true a missing
// file is not an error: the default ./environment.txt need not exist.
func ReadEnvFile(path string, optional bool) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		if optional && os.IsNotExist(err) {
			return map[string]string{}, nil
		}
		return nil, fmt.Errorf("config: open env file: %w", err)
	}
	defer f.Close()
	return ParseEnvFile(f, path)
}

func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("missing variable name before '='")
	}
	for _, r := range key {
		ok := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if !ok {
			return fmt.Errorf("invalid variable name %q", key)
		}
	}
	if key[0] >= '0' && key[0] <= '9' {
		return fmt.Errorf("invalid variable name %q", key)
	}
	return nil
}
