package spool

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A batch file is named <stamp>_<results>_<batch id>[.failed<strikes>].batch:
// the zero-padded nanosecond stamp makes names sort in write order, and the
// strike count lives in the name so that it survives restarts (an agent run
// by cron with `once` is a new process every round) without another file.
const (
	suffix       = ".batch"
	strikeMarker = ".failed"
)

func fileName(e Entry) string {
	strikes := ""
	if e.Strikes > 0 {
		strikes = strikeMarker + strconv.Itoa(e.Strikes)
	}
	return fmt.Sprintf("%020d_%d_%s%s%s", e.Written.UnixNano(), e.Results, e.BatchID, strikes, suffix)
}

func parseName(name string) (Entry, bool) {
	base, ok := strings.CutSuffix(name, suffix)
	if !ok {
		return Entry{}, false
	}
	e := Entry{Name: name}
	if rest, count, found := strings.Cut(base, strikeMarker); found {
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 {
			return Entry{}, false
		}
		base, e.Strikes = rest, n
	}
	parts := strings.SplitN(base, "_", 3)
	if len(parts) != 3 || len(parts[0]) != 20 || !validID(parts[2]) {
		return Entry{}, false
	}
	stamp, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return Entry{}, false
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 {
		return Entry{}, false
	}
	e.BatchID, e.Results, e.Written = parts[2], n, time.Unix(0, stamp)
	return e, true
}

// validID accepts the UUIDs the runner uses (hex and dashes) and nothing that
// could escape the directory or break the file name format.
func validID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
