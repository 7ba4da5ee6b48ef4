package pdf

import (
	"strings"
	"unicode"
)

// Wrap breaks text into lines no wider than width. Latin text breaks at
// spaces; Chinese text may break between any two characters, except that a
// line never starts with closing punctuation (，。、；：！？）》」) nor ends with
// opening punctuation (（《「). Newlines force a break. A word wider than the
// line is cut.
func (d *Document) Wrap(text string, size, width float64) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		ls, err := d.wrapParagraph(para, size, width)
		if err != nil {
			return nil, err
		}
		lines = append(lines, ls...)
	}
	return lines, nil
}

func (d *Document) wrapParagraph(text string, size, width float64) ([]string, error) {
	var lines []string
	var line strings.Builder
	lineW := 0.0
	flush := func() {
		lines = append(lines, strings.TrimRight(line.String(), " "))
		line.Reset()
		lineW = 0
	}
	for _, tok := range tokens(text) {
		if line.Len() == 0 && tok == " " {
			continue
		}
		w, err := d.TextWidth(tok, size)
		if err != nil {
			return nil, err
		}
		if lineW+w <= width || line.Len() == 0 && w <= width {
			line.WriteString(tok)
			lineW += w
			continue
		}
		if line.Len() > 0 {
			flush()
			if tok == " " {
				continue
			}
		}
		if w <= width {
			line.WriteString(tok)
			lineW = w
			continue
		}
		// A single token wider than the line: cut it rune by rune.
		for _, r := range tok {
			rw, err := d.TextWidth(string(r), size)
			if err != nil {
				return nil, err
			}
			if lineW+rw > width && line.Len() > 0 {
				flush()
			}
			line.WriteRune(r)
			lineW += rw
		}
	}
	if line.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines, nil
}

// tokens cuts text into unbreakable pieces: Latin words, single spaces and
// single CJK characters with their attached punctuation.
func tokens(text string) []string {
	var out []string
	var word []rune
	pendingOpen := ""
	emit := func(s string) {
		out = append(out, pendingOpen+s)
		pendingOpen = ""
	}
	flushWord := func() {
		if len(word) > 0 {
			emit(string(word))
			word = word[:0]
		}
	}
	for _, r := range text {
		switch {
		case r == ' ' || r == '\t':
			flushWord()
			if pendingOpen != "" {
				emit("")
			}
			out = append(out, " ")
		case strings.ContainsRune(closingPunct, r):
			flushWord()
			if len(out) > 0 && out[len(out)-1] != " " && pendingOpen == "" {
				out[len(out)-1] += string(r)
			} else {
				emit(string(r))
			}
		case strings.ContainsRune(openingPunct, r):
			flushWord()
			pendingOpen += string(r)
		case isCJK(r):
			flushWord()
			emit(string(r))
		default:
			word = append(word, r)
			if pendingOpen != "" {
				word = append([]rune(pendingOpen), word...)
				pendingOpen = ""
			}
		}
	}
	flushWord()
	if pendingOpen != "" {
		emit("")
	}
	return out
}

const (
	// Only full-width punctuation needs care: Latin punctuation stays inside
	// its word ("3.5", "word,").
	closingPunct = "，。、；：！？）》」』】〕"
	openingPunct = "（《「『【〔"
)

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}
