package target

import (
	"strconv"
	"strings"
)

// ParseHostPort parses "host", "host:port", "1.2.3.4:443", "[2001:db8::1]:443",
// "[2001:db8::1]" and "2001:db8::1". Text with two or more colons and no
// brackets is a bare IPv6 address, never an address followed by a port.
// Without a port, defaultPort is used; a defaultPort of 0 makes the port
// mandatory. The host goes through NormalizeHost.
func ParseHostPort(s string, defaultPort int) (host string, port int, err error) {
	host, portText, hasPort, err := splitHostPort(s)
	if err != nil {
		return "", 0, err
	}
	if host, err = NormalizeHost(host); err != nil {
		return "", 0, err
	}
	switch {
	case hasPort:
		port, err = ParsePort(portText)
	case defaultPort == 0:
		err = errorf("address", s, "has no port")
	case defaultPort < 1 || defaultPort > maxPort:
		err = errorf("default port", strconv.Itoa(defaultPort), "is out of range 1-%d", maxPort)
	default:
		port = defaultPort
	}
	if err != nil {
		return "", 0, err
	}
	return host, port, nil
}

func splitHostPort(s string) (host, port string, hasPort bool, err error) {
	if s == "" {
		return "", "", false, errorf("address", s, "is empty")
	}
	if s[0] == '[' {
		return splitBracketed(s)
	}
	switch strings.Count(s, ":") {
	case 0:
		return s, "", false, nil
	case 1:
		host, port, _ = strings.Cut(s, ":")
		switch {
		case host == "":
			return "", "", false, errorf("address", s, "has no host before the port")
		case port == "":
			return "", "", false, errorf("address", s, `has no port after ":"`)
		}
		return host, port, true, nil
	default:
		return s, "", false, nil
	}
}

func splitBracketed(s string) (host, port string, hasPort bool, err error) {
	host, rest, found := strings.Cut(s[1:], "]")
	switch {
	case !found:
		return "", "", false, errorf("address", s, `has "[" without a closing "]"`)
	case host == "":
		return "", "", false, errorf("address", s, "has no host between the brackets")
	case !strings.Contains(host, ":"):
		return "", "", false, errorf("address", s, "has brackets around %s, which is not an IPv6 address", quote(host))
	case rest == "":
		return host, "", false, nil
	case rest[0] != ':':
		return "", "", false, errorf("address", s, `has %s after "]" where only ":port" may follow`, quote(rest))
	case rest == ":":
		return "", "", false, errorf("address", s, `has no port after ":"`)
	}
	return host, rest[1:], true, nil
}
