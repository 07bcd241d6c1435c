package target

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Error says which input broke which rule. Its message is meant to reach the
// user unchanged, e.g. `port "70000" is out of range 1-65535`.
type Error struct {
	What   string // the kind of input: "host", "address", "port", "port range", "port list", "CIDR"
	Input  string // the offending input exactly as given
	Reason string // the broken rule, phrased to follow the quoted input
}

func (e *Error) Error() string {
	return e.What + " " + quote(e.Input) + " " + e.Reason
}

func errorf(what, input, format string, args ...any) error {
	return &Error{What: what, Input: input, Reason: fmt.Sprintf(format, args...)}
}

// maxQuoted bounds how much of an input a message repeats: enough to
// recognise it, short enough that a pasted megabyte does not travel back in
// an API response or a log line.
const maxQuoted = 100

func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

func counted(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatUint(n, 10) + " " + many
}
