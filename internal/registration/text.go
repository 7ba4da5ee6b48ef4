package registration

import (
	"strings"
	"unicode"
)

// normaliseText prepares text for keyword matching and hashing: lower case,
// full-width ASCII folded to half-width, runs of white space collapsed to one
// space. Chinese text has no word boundaries, so keywords match as substrings.
func normaliseText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII block
			r -= 0xFEE0
		}
		if unicode.IsSpace(r) || r == 0x3000 {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimSpace(b.String())
}

// keywordSet is a list of keywords, already normalised.
type keywordSet []string

// matches returns the distinct keywords found in normalised text.
func (k keywordSet) matches(text string) []string {
	var out []string
	for _, w := range k {
		if strings.Contains(text, w) {
			out = append(out, w)
		}
	}
	return out
}

// any reports whether any keyword occurs in normalised text.
func (k keywordSet) any(text string) bool {
	for _, w := range k {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// first returns the first keyword found, or "".
func (k keywordSet) first(text string) string {
	for _, w := range k {
		if strings.Contains(text, w) {
			return w
		}
	}
	return ""
}

// excerpt shortens a clause for a message.
func excerpt(s string, maxRunes int) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) <= maxRunes {
		return s
	}
	return string(r[:maxRunes]) + "…"
}
