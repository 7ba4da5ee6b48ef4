package pdf

import (
	_ "embed"
	"fmt"
	"sync"
	"unicode"

	"github.com/signintech/gopdf"
	"github.com/signintech/gopdf/fontmaker/core"
)

// The two embedded fonts. DejaVu Sans has Latin, Greek, Cyrillic and symbols;
// Droid Sans Fallback has CJK but no Latin. Licences are beside the files.
var (
	//go:embed fonts/DejaVuSans.ttf
	latinTTF []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	cjkTTF []byte
)

// Font families as registered in every document.
const (
	familyLatin = "dejavu"
	familyCJK   = "droid"
)

// fontSet is parsed once per process: parsing the 4 MB CJK font costs tens of
// milliseconds, so documents copy the parsed fonts from the container.
type fontSet struct {
	container  gopdf.FontContainer
	latinChars map[int]uint // code point → glyph index in DejaVu Sans
}

var (
	fontsOnce sync.Once
	fonts     *fontSet
	fontsErr  error
)

func loadFonts() (*fontSet, error) {
	fontsOnce.Do(func() {
		fs := &fontSet{}
		if err := fs.container.AddTTFFontData(familyLatin, latinTTF); err != nil {
			fontsErr = fmt.Errorf("parse DejaVu Sans: %w", err)
			return
		}
		if err := fs.container.AddTTFFontData(familyCJK, cjkTTF); err != nil {
			fontsErr = fmt.Errorf("parse Droid Sans Fallback: %w", err)
			return
		}
		var parser core.TTFParser
		if err := parser.ParseFontData(latinTTF); err != nil {
			fontsErr = fmt.Errorf("read DejaVu Sans character map: %w", err)
			return
		}
		fs.latinChars = parser.Chars()
		fonts = fs
	})
	return fonts, fontsErr
}

// familyFor picks the font of a rune: DejaVu when it has the glyph, else the
// CJK font. Spaces are neutral (ok=false) and stay in the current run.
func (fs *fontSet) familyFor(r rune) (family string, ok bool) {
	if unicode.IsSpace(r) {
		return "", false
	}
	if _, has := fs.latinChars[int(r)]; has {
		return familyLatin, true
	}
	return familyCJK, true
}

// run is a stretch of text in one font.
type run struct {
	family string
	text   string
}

// splitRuns cuts text into runs of one font each.
func (fs *fontSet) splitRuns(text string) []run {
	var out []run
	cur := run{family: familyLatin}
	var buf []rune
	for _, r := range text {
		fam, ok := fs.familyFor(r)
		if ok && fam != cur.family && len(buf) > 0 {
			cur.text = string(buf)
			out = append(out, cur)
			buf = buf[:0]
		}
		if ok {
			cur.family = fam
		}
		buf = append(buf, r)
	}
	if len(buf) > 0 {
		cur.text = string(buf)
		out = append(out, cur)
	}
	return out
}
