package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// DecodeConfig reads a channel's config into v, refusing unknown fields so a typo is
// not silently ignored. Its errors are *ConfigError and never quote the input, which
// may hold a secret.
func DecodeConfig(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return &ConfigError{Field: typeErr.Field, Message: fmt.Sprintf("must be a %s", typeErr.Type)}
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return &ConfigError{Message: "config has an " + strings.TrimPrefix(err.Error(), "json: ")}
		}
		return &ConfigError{Message: "config is not a valid JSON object"}
	}
	if dec.More() {
		return &ConfigError{Message: "config has data after the JSON object"}
	}
	return nil
}
