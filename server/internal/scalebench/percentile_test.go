package scalebench

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	samples := make([]time.Duration, 20)
	for i := range samples {
		samples[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, c := range []struct {
		p    int
		want time.Duration
	}{{50, 10 * time.Millisecond}, {99, 20 * time.Millisecond}, {1, time.Millisecond}} {
		if got := percentile(samples, c.p); got != c.want {
			t.Errorf("p%d of 1..20 ms = %s, want %s", c.p, got, c.want)
		}
	}
	if got := percentile(samples[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one sample = %s, want it", got)
	}
}

func TestDeepPage(t *testing.T) {
	for total, want := range map[int64]int64{0: 1, 50: 1, 101: 2, 10_000: 100, 100_000: 1000, 1_000_000: 1000} {
		if got := deepPage(total, true); got != want {
			t.Errorf("deepPage(%d, exact) = %d, want %d", total, got, want)
		}
	}
	for total, want := range map[int64]int64{25_353: 229, 100_000: 900, 1_000_000: 1000} {
		if got := deepPage(total, false); got != want {
			t.Errorf("deepPage(%d, estimated) = %d, want %d", total, got, want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -2_900: "-2,900", 1_000_000: "1,000,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
