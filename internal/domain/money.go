package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// Fen is an amount of renminbi in fen (0.01 yuan). Money is never a float.
type Fen int64

// Yuan formats the amount as yuan with thousands separators: "1,234,567.89".
func (f Fen) Yuan() string {
	neg := f < 0
	v := int64(f)
	if neg {
		v = -v
	}
	whole, cents := v/100, v%100
	s := strconv.FormatInt(whole, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := fmt.Sprintf("%s.%02d", b.String(), cents)
	if neg {
		return "-" + out
	}
	return out
}

// Wan formats the amount in 万元 (10,000 yuan) with up to two decimals, as
// Chinese listings usually quote prices.
func (f Fen) Wan() string {
	v := int64(f)
	neg := v < 0
	if neg {
		v = -v
	}
	// 1 万元 = 1,000,000 fen; keep two decimals, rounding half up.
	hundredths := (v + 5000) / 10000
	s := fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
	s = strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
	s = strings.TrimSuffix(s, ".")
	if neg {
		s = "-" + s
	}
	return s
}

// ParseYuan parses a decimal yuan amount ("12.5", "1,000.00") into fen exactly.
// More than two decimals is an error rather than a silent rounding.
func ParseYuan(s string) (Fen, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("at most two decimal places")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("not a number")
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > (1<<63-1)/100-1 {
		return 0, fmt.Errorf("amount too large")
	}
	c, _ := strconv.ParseInt(frac, 10, 64)
	v := Fen(w*100 + c)
	if neg {
		v = -v
	}
	return v, nil
}
