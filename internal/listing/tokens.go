package listing

import (
	"strings"
	"unicode"
)

// searchTokens turns text into the tokens stored for database text search: each
// run of Han characters yields its characters and its overlapping bigrams; other
// letters and digits form lower-cased words. Tokenizing in Go keeps matching the
// same on SQLite FTS5 and PostgreSQL arrays. (The matching engine has its own,
// richer analyzer; this one only has to find listings by words in them.)
func searchTokens(texts ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, text := range texts {
		var han []rune
		var word strings.Builder
		flushHan := func() {
			for i, r := range han {
				add(string(r))
				if i+1 < len(han) {
					add(string(han[i : i+2]))
				}
			}
			han = han[:0]
		}
		flushWord := func() {
			if word.Len() > 0 {
				add(word.String())
				word.Reset()
			}
		}
		for _, r := range text {
			switch {
			case unicode.Is(unicode.Han, r):
				flushWord()
				han = append(han, r)
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				flushHan()
				word.WriteRune(unicode.ToLower(r))
			default:
				flushHan()
				flushWord()
			}
		}
		flushHan()
		flushWord()
	}
	return out
}

// queryTokens picks the tokens a query must match: for Han runs, the bigrams (or
// the single character of a one-character run); for other words, the word.
func queryTokens(q string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	var han []rune
	var word strings.Builder
	flushHan := func() {
		if len(han) == 1 {
			add(string(han))
		}
		for i := 0; i+1 < len(han); i++ {
			add(string(han[i : i+2]))
		}
		han = han[:0]
	}
	flushWord := func() {
		if word.Len() > 0 {
			add(word.String())
			word.Reset()
		}
	}
	for _, r := range q {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word.WriteRune(unicode.ToLower(r))
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return out
}
