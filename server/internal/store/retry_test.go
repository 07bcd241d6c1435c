package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestBrokenConn(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"terminated backend", &pgconn.PgError{Severity: "FATAL", Code: "57P01"}, true},
		{"connection failure", fmt.Errorf("store: x: %w", &pgconn.PgError{Code: "08006"}), true},
		{"socket closed mid-answer", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false},
		{"cancelled", context.Canceled, false},
		{"other", errors.New("no such table: outbox"), false},
	} {
		if got := brokenConn(tc.err); got != tc.want {
			t.Errorf("%s: brokenConn = %v, want %v", tc.name, got, tc.want)
		}
	}
}
