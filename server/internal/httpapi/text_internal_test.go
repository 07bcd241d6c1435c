package httpapi

import (
	"errors"
	"testing"
)

// TestCheckJSONTextPath: the field named is the path to the first bad
// string, through objects and arrays, for keys as well as values.
func TestCheckJSONTextPath(t *testing.T) {
	cases := []struct{ body, field string }{
		{`{"a":"ok","b":1,"c":null,"d":[true,"ok"]}`, ""},
		{`{"a":"x\u0000"}`, "a"},
		{"{\"a\":\"ok\",\"b\":\"\xff\"}", "b"},
		{`{"a":[{"b":"ok"},{"c":["ok","\u0000"]}]}`, "a[1].c[1]"},
		{`{"a":{"b":{}},"c":[[],["ok"],["", "\u0000"]]}`, "c[2][1]"},
		{`{"k\u0000":"v"}`, "k\uFFFD"},
		{"{\"a\":[1,2],\"b\":{\"c\":\"ok\"},\"d\":\"caf\xe9\"}", "d"},
		{`["ok","\u0000"]`, "[1]"},
	}
	for _, tc := range cases {
		err := checkJSONText([]byte(tc.body))
		var ae *apiError
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%q: %v, want nothing", tc.body, err)
		case tc.field != "" && (!errors.As(err, &ae) || ae.Field != tc.field):
			t.Errorf("%q: %v, want field %q", tc.body, err, tc.field)
		}
	}
}
