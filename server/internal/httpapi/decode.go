package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/store"
)

// maxBody bounds ordinary JSON requests.
const maxBody = 1 << 20

// decodeJSON reads exactly one JSON object into v, refusing unknown fields,
// trailing data, bodies larger than maxBody and strings no column may store,
// with messages that say where.
func decodeJSON(c echo.Context, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBody))
	if err != nil {
		return jsonError(err)
	}
	if err := decodeJSONFrom(c, bytes.NewReader(body), v); err != nil {
		return err
	}
	return checkJSONText(body)
}

func decodeJSONFrom(c echo.Context, body io.Reader, v any) error {
	if err := checkJSONType(c); err != nil {
		return err
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return errTooLarge
		}
		return badRequest("", "malformed JSON: unexpected data after the object")
	}
	return nil
}

// checkJSONType refuses a body that says it is not JSON; one that says
// nothing is taken as JSON.
func checkJSONType(c echo.Context) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != echo.MIMEApplicationJSON {
			return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send Content-Type: application/json"}
		}
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var maxErr *http.MaxBytesError
	// decodeAgentJSON's decoder has error types of its own, with the same
	// fields and texts; it says an empty or cut body with a syntax error.
	var v1Syn *jsonv1.SyntaxError
	var v1Typ *jsonv1.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return errTooLarge
	case errors.Is(err, io.EOF), errors.As(err, &v1Syn) && v1Syn.Offset == 0 && strings.HasPrefix(v1Syn.Error(), "unexpected end"):
		return badRequest("", "request body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &v1Syn) && strings.HasPrefix(v1Syn.Error(), "unexpected end"):
		return badRequest("", "malformed JSON: unexpected end of input")
	case errors.As(err, &syn):
		return badRequest("", "malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &v1Syn):
		return badRequest("", "malformed JSON at byte %d: %s", v1Syn.Offset, v1Syn.Error())
	case errors.As(err, &typ):
		return typeError(typ.Field, typ.Type, typ.Value)
	case errors.As(err, &v1Typ):
		return typeError(v1Typ.Field, v1Typ.Type, v1Typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest(field, "unknown field %q", field)
	}
	return badRequest("", "malformed JSON: %s", err.Error())
}

// typeError says which field got a JSON value of the wrong kind.
func typeError(field string, want reflect.Type, got string) error {
	if field == "" {
		return badRequest("", "malformed JSON: want an object, got %s", got)
	}
	return badRequest(field, "%s: want %s, got %s", field, want.String(), got)
}

// Paging limits for every list.
const (
	defaultPerPage = 50
	maxPerPage     = 200
)

func pageParams(c echo.Context) (store.Page, error) {
	p := store.Page{Number: 1, PerPage: defaultPerPage}
	if v := c.QueryParam("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return p, badRequest("page", "page: want a whole number from 1, got %q", v)
		}
		p.Number = n
	}
	if v := c.QueryParam("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPerPage {
			return p, badRequest("per_page", "per_page: want a whole number from 1 to %d, got %q", maxPerPage, v)
		}
		p.PerPage = n
	}
	return p, nil
}

// list is the envelope of every paginated answer.
type list[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

func newList[T any](items []T, total int64, p store.Page) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total, Page: p.Number, PerPage: p.PerPage}
}

// wholeList answers a short list that is never paginated (channels,
// rules, members...) in the same envelope as paginated ones.
func wholeList[T any](items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	return map[string]any{"items": items, "total": len(items)}
}

// mapItems converts store rows to response objects.
func mapItems[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// quote quotes user input for a validation message,
// truncated so that a huge value does not come back in full.
func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return fmt.Sprintf("%q", s)
}
