package httpapi

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestAppendValue holds appendValue to strconv's bytes: the edge cases of
// its shortcut (zeros, signs, trailing zeros, the switch to exponent form,
// the limit) and many Unix times to the millisecond, days and counts.
func TestAppendValue(t *testing.T) {
	values := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.001, -0.001, 0.01, 0.1, 0.5, 0.999, 1.5, 10, 100, 12.34,
		99999.999, 999999, 999999.999, 1e6, 1e6 + 0.001, -1e6, 1234567, 1e7, 1e9, 1.5e9,
		1700000000, 1700000000.5, 1700000000.001, 1700000000.999, 1700000000.12, -1700000000.123,
		4102444800.007, exactMillisLimit - 0.001, exactMillisLimit, -exactMillisLimit, 1e15, 1e21, 1e-4, 1e-7,
		0.0005, 0.0015, 1.0005, math.Pi, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(),
	}
	for _, d := range []time.Duration{0, 1, time.Millisecond, time.Second, 100 * 365 * 24 * time.Hour} {
		values = append(values, unixSeconds(time.Unix(0, 0).Add(d)), unixSeconds(time.Unix(1<<33, 0).Add(-d)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		ms := r.Int64N(int64(exactMillisLimit)*1000) - int64(exactMillisLimit)*500
		values = append(values, float64(ms)/1000, unixSeconds(time.UnixMilli(ms)),
			float64(r.IntN(20001)-10000), float64(ms%100000)/1000)
	}
	for _, v := range values {
		want := strconv.AppendFloat(nil, v, 'g', -1, 64)
		if got := appendValue(nil, v); string(got) != string(want) {
			t.Errorf("appendValue(%v) = %s, want %s", v, got, want)
		}
	}
}

func BenchmarkAppendValue(b *testing.B) {
	v := unixSeconds(time.Date(2026, 5, 1, 12, 0, 0, 123e6, time.UTC))
	var buf []byte
	b.Run("strconv", func(b *testing.B) {
		for b.Loop() {
			buf = strconv.AppendFloat(buf[:0], v, 'g', -1, 64)
		}
	})
	b.Run("appendValue", func(b *testing.B) {
		for b.Loop() {
			buf = appendValue(buf[:0], v)
		}
	})
}
