package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// MaxURLLength bounds every URL a channel config holds.
const MaxURLLength = 2048

// DecodeConfig decodes a channel's JSON config into v. Unknown fields are refused, so a
// typo ("routing_kye") is not silently ignored, and errors never echo the input, which
// may hold a credential. label names the channel type in the message: "PagerDuty".
func DecodeConfig(raw json.RawMessage, v any, label string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// A wrong type names its field, so the form can point at the input.
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &ConfigError{Field: typeErr.Field, Message: "must be a " + typeErr.Type.String()}
		}
		return &ConfigError{Message: "config is not a valid " + label + " config: " + jsonProblem(err)}
	}
	if dec.More() {
		return &ConfigError{Message: "config has data after the JSON object"}
	}
	return nil
}

func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("%s must be a %s", typeErr.Field, typeErr.Type)
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field"); ok {
		return "unknown field" + msg
	}
	return "malformed JSON"
}

// CheckURL checks a configured endpoint of a service reached over https: absolute, with
// a host and no user name or password, which would be shown wherever the URL is. The
// error names field and never quotes the URL, which is often the credential itself.
func CheckURL(field, s string) error {
	_, err := ParseURL(field, s, false)
	return err
}

// ParseURL is CheckURL returning the parsed URL; allowHTTP also accepts http:// for
// services customers host themselves (Mattermost) on networks without certificates.
func ParseURL(field, s string, allowHTTP bool) (*url.URL, error) {
	problem := func(msg string) error { return &ConfigError{Field: field, Message: msg} }
	switch {
	case s == "":
		return nil, problem("is required")
	case len(s) > MaxURLLength:
		return nil, problem(fmt.Sprintf("must be at most %d characters", MaxURLLength))
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, problem("is not a valid URL")
	}
	switch {
	case u.Scheme == "http" && allowHTTP:
	case u.Scheme != "https" && allowHTTP:
		return nil, problem("must be an absolute http:// or https:// URL")
	case u.Scheme != "https":
		return nil, problem("must be an absolute https:// URL")
	}
	switch {
	case u.User != nil:
		return nil, problem("must not contain a user name or password")
	case u.Hostname() == "":
		return nil, problem("must name a host")
	}
	return u, nil
}

// CheckToken checks a credential sent in an HTTP header: required or not, at most max
// bytes, printable ASCII without spaces, so it cannot split the header.
func CheckToken(field, s string, required bool, max int) error {
	switch {
	case s == "" && required:
		return &ConfigError{Field: field, Message: "is required"}
	case len(s) > max:
		return &ConfigError{Field: field, Message: fmt.Sprintf("must be at most %d characters", max)}
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return &ConfigError{Field: field, Message: "must hold printable characters only, without spaces"}
		}
	}
	return nil
}

// CheckOption checks that a select field holds one of its options.
func CheckOption(field, value string, options ...string) error {
	if slices.Contains(options, value) {
		return nil
	}
	quoted := make([]string, len(options))
	for i, o := range options {
		quoted[i] = strconv.Quote(o)
	}
	return &ConfigError{Field: field, Message: fmt.Sprintf("%q is not one of %s", value, strings.Join(quoted, ", "))}
}

// EncodeConfig writes a normalised config for storage.
func EncodeConfig(v any, label string) (json.RawMessage, error) {
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: encode config: %w", label, err)
	}
	return out, nil
}
