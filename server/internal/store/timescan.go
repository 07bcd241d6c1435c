package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// scanTime reads a timestamp from an aggregate (MIN, MAX) column. SQLite
// hands those back as text because the result has no declared type.
type scanTime struct{ time.Time }

// sqliteTimeLayouts are the text forms the SQLite driver writes.
var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
}

func (t *scanTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		t.Time = x.UTC()
		return nil
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	case nil:
		t.Time = time.Time{}
		return nil
	}
	return fmt.Errorf("store: cannot read %T as a time", v)
}

func (t *scanTime) parse(s string) error {
	for _, layout := range sqliteTimeLayouts {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time = p.UTC()
			return nil
		}
	}
	return fmt.Errorf("store: unrecognised time %q", s)
}

// Value lets scanTime be written back as a plain time.
func (t scanTime) Value() (driver.Value, error) { return t.Time, nil }

// ptr is the time a nullable column held, nil for NULL.
func (t *scanTime) ptr() *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}
