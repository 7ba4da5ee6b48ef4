package textproc

import (
	"bufio"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// charFolder maps a rune to the form the analyzer compares: ASCII lower case,
// full-width forms to ASCII, traditional Chinese characters to simplified ones.
// The traditional→simplified table covers the Basic Multilingual Plane, where all
// the characters in the table live, as a flat array: one load per character on the
// hot path instead of a map lookup.
type charFolder struct {
	t2s []uint16 // indexed by rune < 0x10000; 0 means no mapping
}

func loadCharFolder(t2sData string) (*charFolder, error) {
	f := &charFolder{t2s: make([]uint16, 0x10000)}
	sc := bufio.NewScanner(strings.NewReader(t2sData))
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		t, n := utf8.DecodeRuneInString(s)
		simp, m := utf8.DecodeRuneInString(s[n:])
		if t == utf8.RuneError || simp == utf8.RuneError || n+m != len(s) || t > 0xFFFF || simp > 0xFFFF {
			return nil, fmt.Errorf("t2s line %d: want two BMP characters, got %q", line, s)
		}
		f.t2s[t] = uint16(simp)
	}
	return f, sc.Err()
}

// fold returns the comparison form of r.
func (f *charFolder) fold(r rune) rune {
	switch {
	case r < 0x80:
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r == 0x3000: // ideographic space
		return ' '
	case r < 0x3000:
		return unicode.ToLower(r)
	case r <= 0xFFFF:
		if s := f.t2s[r]; s != 0 {
			return rune(s)
		}
	}
	return r
}

// isHan reports whether r is a CJK ideograph. The common blocks are tested by
// range first; the unicode table is the fallback for the rare extensions.
func isHan(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF, r >= 0xF900 && r <= 0xFAFF:
		return true
	case r < 0x2E80:
		return false
	case r >= 0x20000:
		return unicode.Is(unicode.Han, r)
	}
	return r == 0x3007 // 〇
}

// isWordChar reports whether r belongs to a Latin-script (or other alphabetic)
// word: letters and digits that are not Han.
func isWordChar(r rune) bool {
	if r < 0x80 {
		return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
	}
	return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
