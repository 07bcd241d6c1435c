package client

import (
	"errors"
	"fmt"
	"testing"
)

func TestServerFailed(t *testing.T) {
	cases := map[string]struct {
		err  error
		want bool
	}{
		"500":           {err: &StatusError{Status: 500}, want: true},
		"507 wrapped":   {err: fmt.Errorf("client: push results: %w", &StatusError{Status: 507}), want: true},
		"502 gateway":   {err: &StatusError{Status: 502}},
		"503 down":      {err: &StatusError{Status: 503}},
		"504 timeout":   {err: &StatusError{Status: 504}},
		"429":           {err: &StatusError{Status: 429}},
		"400":           {err: &StatusError{Status: 400}},
		"network error": {err: errors.New("connection refused")},
		"no error":      {},
	}
	for name, c := range cases {
		if got := ServerFailed(c.err); got != c.want {
			t.Errorf("%s: ServerFailed = %v, want %v", name, got, c.want)
		}
	}
}
