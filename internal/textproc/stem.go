package textproc

// This file implements the Porter2 ("Snowball English") stemmer as published at
// snowballstem.org/algorithms/english/stemmer.html. It works on lower-case ASCII
// words; the analyzer never passes it anything else. Written here rather than
// imported because it is small, stable and on the indexing hot path.

// Stem returns the Porter2 stem of a lower-case ASCII word. Words of one or two
// letters, and words with non-ASCII bytes, are returned unchanged.
func Stem(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		if word[i] >= 0x80 {
			return word
		}
	}
	if s, ok := stemExceptions1[word]; ok {
		return s
	}
	var buf [64]byte
	var w []byte
	if len(word) <= len(buf) {
		w = append(buf[:0], word...)
	} else {
		w = []byte(word)
	}
	return string(stemBytes(w))
}

var stemExceptions1 = map[string]string{
	"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
	"idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli",
	"singly": "singl",
	"sky":    "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos",
	"bias": "bias", "andes": "andes",
}

var stemExceptions2 = map[string]bool{
	"inning": true, "outing": true, "canning": true, "herring": true, "earring": true,
	"proceed": true, "exceed": true, "succeed": true,
}

// stemmer holds the word being stemmed and its R1/R2 region starts.
type stemmer struct {
	w      []byte
	r1, r2 int
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func stemBytes(w []byte) []byte {
	if w[0] == '\'' {
		w = w[1:]
		if len(w) <= 2 {
			return w
		}
	}
	// Mark consonant y as Y so that vowel tests treat it as a consonant.
	if w[0] == 'y' {
		w[0] = 'Y'
	}
	for i := 1; i < len(w); i++ {
		if w[i] == 'y' && isVowel(w[i-1]) {
			w[i] = 'Y'
		}
	}
	s := &stemmer{w: w}
	s.markRegions()
	s.step0()
	s.step1a()
	if !stemExceptions2[string(s.w)] {
		s.step1b()
		s.step1c()
		s.step2()
		s.step3()
		s.step4()
		s.step5()
	}
	for i := range s.w {
		if s.w[i] == 'Y' {
			s.w[i] = 'y'
		}
	}
	return s.w
}

func (s *stemmer) markRegions() {
	w := s.w
	n := len(w)
	s.r1 = n
	switch {
	case hasPrefix(w, "gener") || hasPrefix(w, "arsen"):
		s.r1 = 5
	case hasPrefix(w, "commun"):
		s.r1 = 6
	default:
		for i := 1; i < n; i++ {
			if !isVowel(w[i]) && isVowel(w[i-1]) {
				s.r1 = i + 1
				break
			}
		}
	}
	s.r2 = n
	for i := s.r1 + 1; i < n; i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			s.r2 = i + 1
			break
		}
	}
}

func hasPrefix(w []byte, p string) bool { return len(w) >= len(p) && string(w[:len(p)]) == p }
func hasSuffix(w []byte, p string) bool {
	return len(w) >= len(p) && string(w[len(w)-len(p):]) == p
}

// shortSyllableEndsAt reports whether w[:end] ends in a short syllable.
func shortSyllableEndsAt(w []byte, end int) bool {
	if end == 2 {
		return isVowel(w[0]) && !isVowel(w[1])
	}
	if end < 3 {
		return false
	}
	a, b, c := w[end-3], w[end-2], w[end-1]
	return !isVowel(a) && isVowel(b) && !isVowel(c) && c != 'w' && c != 'x' && c != 'Y'
}

func (s *stemmer) isShort() bool {
	return s.r1 >= len(s.w) && shortSyllableEndsAt(s.w, len(s.w))
}

func (s *stemmer) trim(n int) { s.w = s.w[:len(s.w)-n] }

// replace swaps suffix old (known present) for repl.
func (s *stemmer) replace(old, repl string) {
	s.w = append(s.w[:len(s.w)-len(old)], repl...)
}

func (s *stemmer) inR1(suffix string) bool { return len(s.w)-len(suffix) >= s.r1 }
func (s *stemmer) inR2(suffix string) bool { return len(s.w)-len(suffix) >= s.r2 }

func (s *stemmer) step0() {
	for _, suf := range []string{"'s'", "'s", "'"} {
		if hasSuffix(s.w, suf) {
			s.trim(len(suf))
			return
		}
	}
}

func (s *stemmer) step1a() {
	w := s.w
	switch {
	case hasSuffix(w, "sses"):
		s.trim(2)
	case hasSuffix(w, "ied") || hasSuffix(w, "ies"):
		if len(w) > 4 {
			s.replace("ies", "i") // same length as "ied"
		} else {
			s.replace("ies", "ie")
		}
	case hasSuffix(w, "us") || hasSuffix(w, "ss"):
	case hasSuffix(w, "s"):
		for i := 0; i < len(w)-2; i++ {
			if isVowel(w[i]) {
				s.trim(1)
				break
			}
		}
	}
}

func (s *stemmer) step1b() {
	w := s.w
	for _, suf := range []string{"eedly", "eed"} {
		if hasSuffix(w, suf) {
			if s.inR1(suf) {
				s.replace(suf, "ee")
			}
			return
		}
	}
	for _, suf := range []string{"ingly", "edly", "ing", "ed"} {
		if !hasSuffix(w, suf) {
			continue
		}
		stem := w[:len(w)-len(suf)]
		hasV := false
		for _, c := range stem {
			if isVowel(c) {
				hasV = true
				break
			}
		}
		if !hasV {
			return
		}
		s.w = stem
		switch {
		case hasSuffix(s.w, "at") || hasSuffix(s.w, "bl") || hasSuffix(s.w, "iz"):
			s.w = append(s.w, 'e')
		case endsDouble(s.w):
			s.trim(1)
		case s.isShort():
			s.w = append(s.w, 'e')
		}
		return
	}
}

func endsDouble(w []byte) bool {
	n := len(w)
	if n < 2 || w[n-1] != w[n-2] {
		return false
	}
	switch w[n-1] {
	case 'b', 'd', 'f', 'g', 'm', 'n', 'p', 'r', 't':
		return true
	}
	return false
}

func (s *stemmer) step1c() {
	n := len(s.w)
	if n > 2 && (s.w[n-1] == 'y' || s.w[n-1] == 'Y') && !isVowel(s.w[n-2]) {
		s.w[n-1] = 'i'
	}
}

// step2Rules are ordered longest first within each shared ending so that the
// first match is the longest suffix, as the algorithm requires.
var step2Rules = []struct{ suf, repl string }{
	{"ization", "ize"}, {"ational", "ate"}, {"fulness", "ful"}, {"ousness", "ous"},
	{"iveness", "ive"}, {"tional", "tion"}, {"biliti", "ble"}, {"lessli", "less"},
	{"entli", "ent"}, {"ation", "ate"}, {"alism", "al"}, {"aliti", "al"}, {"ousli", "ous"},
	{"iviti", "ive"}, {"fulli", "ful"}, {"enci", "ence"}, {"anci", "ance"}, {"abli", "able"},
	{"izer", "ize"}, {"ator", "ate"}, {"alli", "al"}, {"bli", "ble"}, {"ogi", "og"}, {"li", ""},
}

func (s *stemmer) step2() {
	for _, r := range step2Rules {
		if !hasSuffix(s.w, r.suf) {
			continue
		}
		if !s.inR1(r.suf) {
			return
		}
		switch r.suf {
		case "ogi":
			if len(s.w) < 4 || s.w[len(s.w)-4] != 'l' {
				return
			}
		case "li":
			if len(s.w) < 3 || !validLiEnding(s.w[len(s.w)-3]) {
				return
			}
		}
		s.replace(r.suf, r.repl)
		return
	}
}

func validLiEnding(c byte) bool {
	switch c {
	case 'c', 'd', 'e', 'g', 'h', 'k', 'm', 'n', 'r', 't':
		return true
	}
	return false
}

var step3Rules = []struct{ suf, repl string }{
	{"ational", "ate"}, {"tional", "tion"}, {"alize", "al"}, {"icate", "ic"}, {"iciti", "ic"},
	{"ative", ""}, {"ical", "ic"}, {"ness", ""}, {"ful", ""},
}

func (s *stemmer) step3() {
	for _, r := range step3Rules {
		if !hasSuffix(s.w, r.suf) {
			continue
		}
		if !s.inR1(r.suf) {
			return
		}
		if r.suf == "ative" && !s.inR2(r.suf) {
			return
		}
		s.replace(r.suf, r.repl)
		return
	}
}

var step4Suffixes = []string{
	"ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
	"ive", "ize", "ion", "al", "er", "ic",
}

func (s *stemmer) step4() {
	for _, suf := range step4Suffixes {
		if !hasSuffix(s.w, suf) {
			continue
		}
		if !s.inR2(suf) {
			return
		}
		if suf == "ion" {
			n := len(s.w) - 3
			if n < 1 || (s.w[n-1] != 's' && s.w[n-1] != 't') {
				return
			}
		}
		s.trim(len(suf))
		return
	}
}

func (s *stemmer) step5() {
	n := len(s.w)
	switch s.w[n-1] {
	case 'e':
		if s.inR2("e") || (s.inR1("e") && !shortSyllableEndsAt(s.w, n-1)) {
			s.trim(1)
		}
	case 'l':
		if s.inR2("l") && n >= 2 && s.w[n-2] == 'l' {
			s.trim(1)
		}
	}
}
