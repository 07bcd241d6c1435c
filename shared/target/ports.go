package target

import (
	"cmp"
	"slices"
	"strings"
)

const maxPort = 65535

// ParsePort parses one decimal port, 1-65535.
func ParsePort(s string) (int, error) {
	if s == "" {
		return 0, errorf("port", s, "is empty")
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errorf("port", s, "is not a number")
		}
		// Saturate so that long digit strings cannot overflow.
		n = min(n*10+int(c-'0'), maxPort+1)
	}
	if n < 1 || n > maxPort {
		return 0, errorf("port", s, "is out of range 1-%d", maxPort)
	}
	return n, nil
}

type portSpan struct{ lo, hi int }

// ParsePorts parses a comma-separated list of ports and inclusive ranges,
// such as "443,8000-9000, 8443", into sorted unique ports. Spaces around
// items are allowed. More than maxPorts distinct ports is an error, found
// before any list is built.
func ParsePorts(s string, maxPorts int) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errorf("port list", s, "is empty")
	}
	var spans []portSpan
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, errorf("port list", s, "has an empty item")
		}
		span, err := parsePortItem(item)
		if err != nil {
			return nil, err
		}
		spans = append(spans, span)
	}
	spans = mergeSpans(spans)
	count := 0
	for _, span := range spans {
		count += span.hi - span.lo + 1
	}
	if count > maxPorts {
		return nil, errorf("port list", s, "has %s, more than the limit of %d", counted(uint64(count), "port", "ports"), maxPorts)
	}
	ports := make([]int, 0, count)
	for _, span := range spans {
		for p := span.lo; p <= span.hi; p++ {
			ports = append(ports, p)
		}
	}
	return ports, nil
}

func parsePortItem(item string) (portSpan, error) {
	loText, hiText, isRange := strings.Cut(item, "-")
	if !isRange {
		p, err := ParsePort(item)
		return portSpan{p, p}, err
	}
	loText, hiText = strings.TrimSpace(loText), strings.TrimSpace(hiText)
	switch {
	case strings.Contains(hiText, "-"):
		return portSpan{}, errorf("port range", item, `has more than one "-"`)
	case loText == "":
		return portSpan{}, errorf("port range", item, "has no start")
	case hiText == "":
		return portSpan{}, errorf("port range", item, "has no end")
	}
	lo, err := ParsePort(loText)
	if err != nil {
		return portSpan{}, err
	}
	hi, err := ParsePort(hiText)
	if err != nil {
		return portSpan{}, err
	}
	if lo > hi {
		return portSpan{}, errorf("port range", item, "is reversed; write it as \"%d-%d\"", hi, lo)
	}
	return portSpan{lo, hi}, nil
}

// mergeSpans sorts spans and joins those that overlap or touch, so that
// counting them counts every port once.
func mergeSpans(spans []portSpan) []portSpan {
	slices.SortFunc(spans, func(a, b portSpan) int { return cmp.Compare(a.lo, b.lo) })
	merged := spans[:1]
	for _, span := range spans[1:] {
		last := &merged[len(merged)-1]
		if span.lo <= last.hi+1 {
			last.hi = max(last.hi, span.hi)
			continue
		}
		merged = append(merged, span)
	}
	return merged
}
