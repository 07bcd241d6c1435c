package store

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrBadCursor means a paging cursor is malformed, or was made for another
// order than the one asked for.
var ErrBadCursor = errors.New("bad cursor")

// domainCursor is the position after a row in a domain list's order: its
// sort key (Null for a never-checked domain) and its id, which breaks ties.
// Clients get it base64url-encoded and must treat it as opaque.
type domainCursor struct {
	Sort string `json:"s"`
	Desc bool   `json:"d,omitempty"`
	Null bool   `json:"n,omitempty"`
	Key  string `json:"k,omitempty"`
	ID   string `json:"i"`
}

// DomainCursorAfter is the cursor for the rows after v in f's order.
func DomainCursorAfter(f DomainFilter, v DomainView) string {
	name, ds := sortOf(f)
	c := domainCursor{Sort: name, Desc: f.Desc, ID: v.ID}
	switch key := ds.value(v).(type) {
	case string:
		c.Key = key
	case int:
		c.Key = strconv.Itoa(key)
	case time.Time:
		c.Key = key.UTC().Format(time.RFC3339Nano)
	case *time.Time:
		if key == nil {
			c.Null = true
		} else {
			c.Key = key.UTC().Format(time.RFC3339Nano)
		}
	}
	// A struct of strings and booleans always marshals.
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseDomainCursor reads f.After back: the id and, unless the row's key
// was NULL, the key as a SQL argument of its column's type.
func parseDomainCursor(f DomainFilter) (c domainCursor, key any, err error) {
	name, ds := sortOf(f)
	raw, err := base64.RawURLEncoding.DecodeString(f.After)
	if err != nil {
		return c, nil, fmt.Errorf("store: cursor: %w", ErrBadCursor)
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.ID == "" {
		return c, nil, fmt.Errorf("store: cursor: %w", ErrBadCursor)
	}
	if c.Sort != name || c.Desc != f.Desc || (c.Null && !ds.nullable) {
		return c, nil, fmt.Errorf("store: cursor for another order: %w", ErrBadCursor)
	}
	if c.Null {
		return c, nil, nil
	}
	switch ds.kind {
	case sortInt:
		key, err = strconv.Atoi(c.Key)
	case sortTime:
		key, err = time.Parse(time.RFC3339Nano, c.Key)
	default:
		key = c.Key
	}
	if err != nil {
		return c, nil, fmt.Errorf("store: cursor key: %w", ErrBadCursor)
	}
	return c, key, nil
}
