package notify_test

import (
	"encoding/json"
	"testing"

	"certinel.dev/server/internal/notify"
)

func TestDecodeConfig(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`{"key":"v"}`, ""},
		{`{"key":"v"} {"key":"w"}`, "config has data after the JSON object"},
		{`{"kye":"hunter2"}`, `config is not a valid Demo config: unknown field "kye"`},
		{`{"key":["hunter2"]}`, "key: must be a string"},
		{`{"key":"hunter2"`, "config is not a valid Demo config: malformed JSON"},
	} {
		var v struct {
			Key string `json:"key"`
		}
		err := notify.DecodeConfig(json.RawMessage(tc.raw), &v, "Demo")
		if got := errText(err); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"https://example.com/x?sig=1", ""},
		{"HTTPS://example.com", ""},
		{"http://example.com/x", "u: must be an absolute https:// URL"},
		{"ftp://example.com/x", "u: must be an absolute https:// URL"},
		{"https://user:secret@example.com/", "u: must not contain a user name or password"},
		{"https://", "u: must name a host"},
		{"https://exa mple.com/secret", "u: is not a valid URL"},
		{"", "u: is required"},
	} {
		if got := errText(notify.CheckURL("u", tc.url)); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestCheckToken(t *testing.T) {
	for _, tc := range []struct {
		token    string
		required bool
		want     string
	}{
		{"tk_abc", true, ""},
		{"", false, ""},
		{"", true, "k: is required"},
		{"abcdefghi", false, "k: must be at most 8 characters"},
		{"a\r\nb", false, "k: must hold printable characters only, without spaces"},
		{"é", false, "k: must hold printable characters only, without spaces"},
	} {
		if got := errText(notify.CheckToken("k", tc.token, tc.required, 8)); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.token, got, tc.want)
		}
	}
}

func TestCheckOption(t *testing.T) {
	if err := notify.CheckOption("region", "eu", "us", "eu"); err != nil {
		t.Errorf("eu: %v", err)
	}
	err := notify.CheckOption("region", "apac", "us", "eu")
	if got := errText(err); got != `region: "apac" is not one of "us", "eu"` {
		t.Errorf("apac: %q", got)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
