package httpapi

import (
	"math"
	"strconv"
)

// exactMillisLimit bounds the values appendValue formats itself: below it,
// float64s are far closer together than a thousandth (1/8192 apart at
// most), which appendValue's shortcut relies on.
const exactMillisLimit = 1e12

// appendValue appends v exactly as strconv.AppendFloat(b, v, 'g', -1, 64)
// does, faster for the values a scrape is made of: Unix times to the
// millisecond and small integers. Such a v is the float64 nearest to
// m/1000 for an integer m, and the digits of m without its trailing zeros
// are then the shortest decimal that reads back as v: any other decimal as
// short differs from v by at least a thousandth, more than the spacing of
// float64s below exactMillisLimit. Those are the digits AppendFloat finds
// by its general search; they are written the way it writes them: in
// exponent form from 1e+06 on, positional below.
func appendValue(b []byte, v float64) []byte {
	if !(v > -exactMillisLimit && v < exactMillisLimit) || (v == 0 && math.Signbit(v)) {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	m := int64(math.Round(v * 1000))
	if float64(m)/1000 != v {
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	if m == 0 {
		return append(b, '0')
	}
	if m < 0 {
		b = append(b, '-')
		m = -m
	}
	var buf [20]byte
	i := len(buf)
	for ; m > 0; m /= 10 {
		i--
		buf[i] = byte('0' + m%10)
	}
	digits := buf[i:]
	// v is 0.digits × 10^point.
	point := len(digits) - 3
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if exp := point - 1; exp >= 6 {
		return appendExponent(b, digits, exp)
	}
	switch {
	case point <= 0:
		b = append(b, '0', '.')
		for ; point < 0; point++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	case len(digits) <= point:
		b = append(b, digits...)
		for k := len(digits); k < point; k++ {
			b = append(b, '0')
		}
		return b
	default:
		b = append(b, digits[:point]...)
		b = append(b, '.')
		return append(b, digits[point:]...)
	}
}

// appendExponent writes d.igits e+XX, the exponent of at least two digits.
func appendExponent(b, digits []byte, exp int) []byte {
	b = append(b, digits[0])
	if len(digits) > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e', '+')
	if exp < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(exp), 10)
}
