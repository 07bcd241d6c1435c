package httpapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/safetext"
)

// PostgreSQL refuses NUL and invalid UTF-8 in text columns (an error, so a
// 500) while SQLite stores them; no name or filter a person types holds
// either. Both are refused at the door with a 400 that names the field,
// the same on both databases.

func badText(field string) *apiError {
	return badRequest(field, "%s: holds a NUL character or bytes that are not UTF-8", field)
}

// printableField makes a field name that is itself bad safe to echo back.
func printableField(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// checkParams refuses a request whose path or query parameters (names or
// values) hold text no column may store.
func checkParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, name := range c.ParamNames() {
			if !safetext.Storable(c.Param(name)) {
				return badText(name)
			}
		}
		query := c.QueryParams()
		// Sorted, so that the field named is the same on every try.
		for _, name := range slices.Sorted(maps.Keys(query)) {
			if !safetext.Storable(name) {
				return badText(printableField(name))
			}
			for _, v := range query[name] {
				if !safetext.Storable(v) {
					return badText(name)
				}
			}
		}
		return next(c)
	}
}

// checkJSONText finds the first string of a JSON document, key or value,
// that no column may store, and names its path (tags[1], config.url).
// It reads the raw bytes of each string: encoding/json would silently turn
// invalid UTF-8 into U+FFFD. The document was already decoded, so a syntax
// error here only ends the walk.
func checkJSONText(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var path jsonPath
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				path.open(v == '[')
				continue
			}
			path.close()
		case string:
			isKey := path.expectsKey()
			if isKey {
				path.setKey(v)
			}
			if !utf8.Valid(body[start:dec.InputOffset()]) || strings.ContainsRune(v, 0) {
				return badText(printableField(path.String()))
			}
			if isKey {
				continue
			}
		}
		path.valueDone()
	}
}

// jsonPath follows where a token stream is inside nested objects and arrays.
type jsonPath []jsonStep

type jsonStep struct {
	array  bool
	index  int
	key    string
	hasKey bool
}

func (p *jsonPath) open(array bool) { *p = append(*p, jsonStep{array: array}) }

// close ends the innermost container, which is itself a value of its parent.
func (p *jsonPath) close() { *p = (*p)[:len(*p)-1] }

func (p jsonPath) expectsKey() bool {
	return len(p) > 0 && !p[len(p)-1].array && !p[len(p)-1].hasKey
}

func (p jsonPath) setKey(k string) {
	p[len(p)-1].key, p[len(p)-1].hasKey = k, true
}

// valueDone moves past one value: the next array index or the next key.
func (p jsonPath) valueDone() {
	if len(p) == 0 {
		return
	}
	top := &p[len(p)-1]
	if top.array {
		top.index++
	} else {
		top.hasKey = false
	}
}

func (p jsonPath) String() string {
	var b strings.Builder
	for _, s := range p {
		switch {
		case s.array:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case s.hasKey:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}
