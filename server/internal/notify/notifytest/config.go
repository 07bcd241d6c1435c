package notifytest

import (
	"encoding/json"
	"errors"
	"testing"

	"certinel.dev/server/internal/notify"
)

// ConfigCase is one row of a channel type's ValidateConfig table: a valid raw config
// and its normalised form, or an invalid one and the exact error and field.
type ConfigCase struct {
	Name, Raw string
	Want      string // normalised config when valid
	Err       string // exact error text when invalid
	Field     string // the ConfigError's field when invalid
}

// RunConfigCases checks validate against every case.
func RunConfigCases(t *testing.T, validate func(json.RawMessage) (json.RawMessage, error), cases []ConfigCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := validate(json.RawMessage(tc.Raw))
			if tc.Err != "" {
				var ce *notify.ConfigError
				if !errors.As(err, &ce) || err.Error() != tc.Err || ce.Field != tc.Field {
					t.Fatalf("err = %v, want %q on field %q", err, tc.Err, tc.Field)
				}
				return
			}
			if err != nil || string(got) != tc.Want {
				t.Fatalf("got %s, %v; want %s", got, err, tc.Want)
			}
		})
	}
}
