package target_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"certinel.dev/shared/target"
)

func TestParsePort(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  string
	}{
		{in: "1", want: 1},
		{in: "443", want: 443},
		{in: "65535", want: 65535},
		{in: "0443", want: 443},
		{in: "", err: `port "" is empty`},
		{in: "0", err: `port "0" is out of range 1-65535`},
		{in: "65536", err: `port "65536" is out of range 1-65535`},
		{in: "70000", err: `port "70000" is out of range 1-65535`},
		{in: "99999999999999999999999", err: `port "99999999999999999999999" is out of range 1-65535`},
		{in: "abc", err: `port "abc" is not a number`},
		{in: "+443", err: `port "+443" is not a number`},
		{in: " 443", err: `port " 443" is not a number`},
		{in: "44 3", err: `port "44 3" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := target.ParsePort(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("ParsePort(%q) = %d, %v; want error %s", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePort(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParsePorts(t *testing.T) {
	tests := []struct {
		in       string
		max      int
		want     []int
		wantLen  int
		wantHead []int
		err      string
	}{
		{in: "443", max: 10, want: []int{443}},
		{in: "8443, 443,443 ,80", max: 10, want: []int{80, 443, 8443}},
		{in: "10-12,11-14,15", max: 10, want: []int{10, 11, 12, 13, 14, 15}},
		{in: "5-5", max: 1, want: []int{5}},
		{in: "8000 - 8002", max: 10, want: []int{8000, 8001, 8002}},
		{in: "443,8000-9000", max: 2000, wantLen: 1002, wantHead: []int{443, 8000, 8001}},
		{in: "443,8000-9000, 8443", max: 1002, wantLen: 1002, wantHead: []int{443, 8000}},
		{in: "1-65535", max: 65535, wantLen: 65535, wantHead: []int{1, 2}},

		{in: "", max: 10, err: `port list "" is empty`},
		{in: "  ", max: 10, err: `port list "  " is empty`},
		{in: ",", max: 10, err: `port list "," has an empty item`},
		{in: "443,,80", max: 10, err: `port list "443,,80" has an empty item`},
		{in: "443,", max: 10, err: `port list "443," has an empty item`},
		{in: "0", max: 10, err: `port "0" is out of range 1-65535`},
		{in: "70000", max: 10, err: `port "70000" is out of range 1-65535`},
		{in: "443,https", max: 10, err: `port "https" is not a number`},
		{in: "9000-8000", max: 10000, err: `port range "9000-8000" is reversed; write it as "8000-9000"`},
		{in: "1-2-3", max: 10, err: `port range "1-2-3" has more than one "-"`},
		{in: "-5", max: 10, err: `port range "-5" has no start`},
		{in: "5-", max: 10, err: `port range "5-" has no end`},
		{in: "0-10", max: 10, err: `port "0" is out of range 1-65535`},
		{in: "1-70000", max: 10, err: `port "70000" is out of range 1-65535`},
		{in: "443,8000-9000", max: 1000, err: `port list "443,8000-9000" has 1002 ports, more than the limit of 1000`},
		{in: "1-65535", max: 1024, err: `port list "1-65535" has 65535 ports, more than the limit of 1024`},
		{in: "443", max: 0, err: `port list "443" has 1 port, more than the limit of 0`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := target.ParsePorts(tt.in, tt.max)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("ParsePorts(%q, %d) = %v, %v; want error %s", tt.in, tt.max, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePorts(%q, %d): %v", tt.in, tt.max, err)
			}
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Fatalf("ParsePorts(%q, %d) = %v; want %v", tt.in, tt.max, got, tt.want)
			}
			if tt.wantLen != 0 && (len(got) != tt.wantLen || !slices.Equal(got[:len(tt.wantHead)], tt.wantHead)) {
				t.Fatalf("ParsePorts(%q, %d) has %d ports starting %v; want %d starting %v",
					tt.in, tt.max, len(got), got[:min(len(got), 3)], tt.wantLen, tt.wantHead)
			}
		})
	}
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{
		"443", "443,8000-9000, 8443", "9000-8000", "0", "70000", "1-2-3", ",", "", "1-65535", " 22 , 22-23 ",
	} {
		f.Add(s, 1000)
	}
	f.Add("1-65535", 65535)
	f.Fuzz(func(t *testing.T, s string, maxPorts int) {
		ports, err := target.ParsePorts(s, maxPorts)
		if err != nil {
			if ports != nil {
				t.Fatalf("ParsePorts(%q, %d) returned %d ports with error %v", s, maxPorts, len(ports), err)
			}
			return
		}
		if len(ports) == 0 || len(ports) > maxPorts {
			t.Fatalf("ParsePorts(%q, %d) returned %d ports", s, maxPorts, len(ports))
		}
		for i, p := range ports {
			if p < 1 || p > 65535 || i > 0 && p <= ports[i-1] {
				t.Fatalf("ParsePorts(%q, %d) = %v: not sorted, unique and in range at %d", s, maxPorts, ports, i)
			}
		}
		items := make([]string, len(ports))
		for i, p := range ports {
			items[i] = strconv.Itoa(p)
		}
		joined := strings.Join(items, ",")
		again, err := target.ParsePorts(joined, len(ports))
		if err != nil || !slices.Equal(again, ports) {
			t.Fatalf("ParsePorts(%q) = %v, %v; want %v", joined, again, err, ports)
		}
	})
}
