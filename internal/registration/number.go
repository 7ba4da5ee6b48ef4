package registration

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// DefaultNumberPattern is the 16-digit registration number of current forms:
// year, 6-digit GB/T 2260 region code of the registry, 6-digit sequence
// (§1.10; the layout is inferred [M], so registries can configure their own).
const DefaultNumberPattern = "{YYYY}{REGION6}{SEQ6}"

// LegacyNumberPattern is the 14-digit number of the old model text: YY,
// province, prefecture, registration point, sequence.
const LegacyNumberPattern = "{YY}{REGION4}{POINT2}{SEQ6}"

// NumberFormat is a parsed registration-number pattern. Tokens:
//
//	{YYYY} 4-digit year      {YY} 2-digit year
//	{REGION6} 6-digit region {REGION4} province + prefecture {PROV2} province
//	{POINT2} 2-digit registration point
//	{SEQn} n-digit zero-padded sequence, 1 ≤ n ≤ 12 (exactly one)
//
// Anything else is literal text (letters, digits, '-', '/', '.').
type NumberFormat struct {
	pattern   string
	parts     []numberPart
	seqDigits int
	length    int
}

type numberPart struct {
	token   string // "" for a literal
	width   int
	literal string
}

// NumberParts are the values a registration number is built from.
type NumberParts struct {
	Year   int    `json:"year"`
	Region string `json:"region"` // 6-digit code of the registry
	Point  int    `json:"point,omitempty"`
	Seq    int64  `json:"seq"`
}

// ParseNumberFormat parses and checks a pattern.
func ParseNumberFormat(pattern string) (*NumberFormat, error) {
	const op = "registration.ParseNumberFormat"
	f := &NumberFormat{pattern: pattern}
	hasYear := false
	for rest := pattern; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open != 0 {
			lit := rest
			if open > 0 {
				lit = rest[:open]
			}
			for _, r := range lit {
				if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '/' || r == '.') {
					return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("pattern %q: literal %q may only hold letters, digits, '-', '/' or '.'", pattern, lit))
				}
			}
			f.parts = append(f.parts, numberPart{literal: lit, width: len(lit)})
			f.length += len(lit)
			rest = rest[len(lit):]
			continue
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("pattern %q: unclosed {", pattern))
		}
		tok := rest[1:end]
		rest = rest[end+1:]
		width := 0
		switch tok {
		case "YYYY":
			width, hasYear = 4, true
		case "YY":
			width, hasYear = 2, true
		case "REGION6":
			width = 6
		case "REGION4":
			width = 4
		case "PROV2", "POINT2":
			width = 2
		default:
			n, err := strconv.Atoi(strings.TrimPrefix(tok, "SEQ"))
			if !strings.HasPrefix(tok, "SEQ") || err != nil || n < 1 || n > 12 {
				return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("pattern %q: unknown token {%s}", pattern, tok))
			}
			if f.seqDigits > 0 {
				return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("pattern %q: more than one sequence token", pattern))
			}
			width, f.seqDigits, tok = n, n, "SEQ"
		}
		f.parts = append(f.parts, numberPart{token: tok, width: width})
		f.length += width
	}
	if f.seqDigits == 0 {
		return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("pattern %q: needs one {SEQn} token", pattern))
	}
	if !hasYear {
		return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("pattern %q: needs a {YYYY} or {YY} token", pattern))
	}
	return f, nil
}

// MustNumberFormat is ParseNumberFormat for patterns known at compile time.
func MustNumberFormat(pattern string) *NumberFormat {
	f, err := ParseNumberFormat(pattern)
	if err != nil {
		panic(err)
	}
	return f
}

// Pattern returns the pattern text.
func (f *NumberFormat) Pattern() string { return f.pattern }

// Length is the number of characters of every number in this format.
func (f *NumberFormat) Length() int { return f.length }

// MaxSeq is the largest sequence number that fits.
func (f *NumberFormat) MaxSeq() int64 {
	m := int64(1)
	for i := 0; i < f.seqDigits; i++ {
		m *= 10
	}
	return m - 1
}

// Format builds a registration number.
func (f *NumberFormat) Format(p NumberParts) (string, error) {
	const op = "registration.NumberFormat.Format"
	var fl apperr.FieldList
	if p.Year < 1000 || p.Year > 9999 {
		fl.Add("year", "out_of_range", "must be a 4-digit year", "应为 4 位年份")
	}
	if err := domain.ValidateRegion(p.Region); err != nil {
		fl.Add("region", "invalid", "not a GB/T 2260 region code: "+err.Error(), "行政区划代码无效："+err.Error())
	}
	if p.Point < 0 || p.Point > 99 {
		fl.Add("point", "out_of_range", "must be between 0 and 99", "应在 0 到 99 之间")
	}
	if p.Seq < 1 || p.Seq > f.MaxSeq() {
		fl.Add("seq", "out_of_range", fmt.Sprintf("must be between 1 and %d", f.MaxSeq()), fmt.Sprintf("应在 1 到 %d 之间", f.MaxSeq()))
	}
	if err := fl.Err(op); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, part := range f.parts {
		switch part.token {
		case "":
			b.WriteString(part.literal)
		case "YYYY":
			fmt.Fprintf(&b, "%04d", p.Year)
		case "YY":
			fmt.Fprintf(&b, "%02d", p.Year%100)
		case "REGION6":
			b.WriteString(p.Region)
		case "REGION4":
			b.WriteString(p.Region[:4])
		case "PROV2":
			b.WriteString(p.Region[:2])
		case "POINT2":
			fmt.Fprintf(&b, "%02d", p.Point)
		case "SEQ":
			fmt.Fprintf(&b, "%0*d", f.seqDigits, p.Seq)
		}
	}
	return b.String(), nil
}

// Parse checks a number against the format and returns its parts. A {YY}
// year is read as 20YY; a {REGION4} or {PROV2} region is padded with zeros.
func (f *NumberFormat) Parse(number string) (NumberParts, error) {
	const op = "registration.NumberFormat.Parse"
	bad := func(msg string) (NumberParts, error) {
		return NumberParts{}, apperr.E(op, apperr.Invalid, fmt.Sprintf("registration number %q: %s (format %s)", number, msg, f.pattern))
	}
	if len(number) != f.length {
		return bad(fmt.Sprintf("has %d characters, want %d", len(number), f.length))
	}
	var p NumberParts
	region := ""
	pos := 0
	for _, part := range f.parts {
		s := number[pos : pos+part.width]
		pos += part.width
		if part.token == "" {
			if s != part.literal {
				return bad(fmt.Sprintf("expected %q at position %d", part.literal, pos-part.width+1))
			}
			continue
		}
		if !isDigits(s) {
			return bad(fmt.Sprintf("%s must be digits", part.token))
		}
		n, _ := strconv.ParseInt(s, 10, 64)
		switch part.token {
		case "YYYY":
			p.Year = int(n)
		case "YY":
			p.Year = 2000 + int(n)
		case "REGION6", "REGION4", "PROV2":
			if len(s) > len(region) {
				region = s
			}
		case "POINT2":
			p.Point = int(n)
		case "SEQ":
			p.Seq = n
		}
	}
	if region != "" {
		p.Region = region + strings.Repeat("0", 6-len(region))
		if err := domain.ValidateRegion(p.Region); err != nil {
			return bad("region " + err.Error())
		}
	}
	if p.Seq < 1 {
		return bad("sequence must be at least 1")
	}
	return p, nil
}
