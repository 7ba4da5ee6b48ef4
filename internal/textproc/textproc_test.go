package textproc

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func terms(t *testing.T, a *Analyzer, text string, kinds ...TokenKind) []string {
	t.Helper()
	var out []string
	for _, tk := range a.Analyze(text) {
		if len(kinds) == 0 || slices.Contains(kinds, tk.Kind) {
			out = append(out, tk.Term)
		}
	}
	return out
}

func TestChineseSegmentation(t *testing.T) {
	a := Default()
	got := terms(t, a, "一种锂离子电池负极材料的制备方法", KindWord)
	want := []string{"锂离子电池", "负极材料", "制备", "方法"}
	if !slices.Equal(got, want) {
		t.Fatalf("words = %v, want %v (一种/的 are stopwords)", got, want)
	}
	parts := terms(t, a, "锂离子电池", KindPart)
	for _, p := range []string{"锂离子", "离子", "电池"} {
		if !slices.Contains(parts, p) {
			t.Errorf("parts of 锂离子电池 = %v, missing %s", parts, p)
		}
	}
}

func TestDomainTermsStayWhole(t *testing.T) {
	for _, w := range []string{"石墨烯", "晶圆", "钙钛矿", "激光雷达"} {
		got := terms(t, Default(), "采用"+w+"技术", KindWord)
		if !slices.Contains(got, w) {
			t.Errorf("%s split: %v", w, got)
		}
	}
}

func TestTraditionalFoldsToSimplified(t *testing.T) {
	a := Default()
	trad := terms(t, a, "石墨烯基鋰離子電池負極材料的製備方法")
	simp := terms(t, a, "石墨烯基锂离子电池负极材料的制备方法")
	if !slices.Equal(trad, simp) {
		t.Fatalf("traditional %v != simplified %v", trad, simp)
	}
	// 著 is also a simplified character (显著) and must not be folded.
	if got := terms(t, a, "显著", KindWord); !slices.Equal(got, []string{"显著"}) {
		t.Errorf("显著 = %v", got)
	}
}

func TestSynonymsFoldToCanonical(t *testing.T) {
	a := Default()
	for _, pair := range [][2]string{{"扫雪", "除雪"}, {"硅片", "晶圆"}, {"LiDAR", "激光雷达"}, {"锂电池", "锂离子电池"}} {
		got := terms(t, a, pair[0], KindWord, KindLatin)
		if !slices.Equal(got, []string{pair[1]}) {
			t.Errorf("%s → %v, want [%s]", pair[0], got, pair[1])
		}
	}
}

func TestEnglishStemmingAndStopwords(t *testing.T) {
	got := terms(t, Default(), "The Sensors are connected to the displays via wireless networks.")
	want := []string{"sensor", "connect", "display", "wireless", "network"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestMixedTextAndWidthFolding(t *testing.T) {
	a := Default()
	toks := a.Analyze("ＯＬＥＤ显示屏和5G模组")
	var got []string
	for _, tk := range toks {
		if tk.Kind != KindPart {
			got = append(got, tk.Term)
		}
	}
	want := []string{"ole", "显示屏", "5g", "模组"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Offsets point at the surface form in the original text.
	text := "ＯＬＥＤ显示屏和5G模组"
	if s := text[toks[0].Start:toks[0].End]; s != "ＯＬＥＤ" {
		t.Errorf("offset of first token covers %q", s)
	}
}

func TestBigramsOption(t *testing.T) {
	all, err := New(Options{Bigrams: true, AllBigrams: true})
	if err != nil {
		t.Fatal(err)
	}
	got := terms(t, all, "纳米涂层", KindBigram)
	want := []string{BigramPrefix + "纳米", BigramPrefix + "米涂", BigramPrefix + "涂层"}
	if !slices.Equal(got, want) {
		t.Fatalf("all bigrams = %q, want %q", got, want)
	}
	// By default a pair emitted as a word or inner word gets no bigram: 纳米
	// and 涂层 are inner words of 纳米涂层, only the pair across them stays.
	a, err := New(Options{Bigrams: true})
	if err != nil {
		t.Fatal(err)
	}
	text := "纳米涂层"
	toks := a.Analyze(text)
	got = terms(t, a, text, KindBigram)
	want = []string{BigramPrefix + "米涂"}
	if !slices.Equal(got, want) {
		t.Fatalf("bigrams = %q, want %q (tokens %v)", got, want, toks)
	}
	covered := map[string]bool{}
	for i, tk := range toks {
		if a.PairCovered(text, toks, i) {
			covered[tk.Term] = true
		}
	}
	if !covered["纳米"] || !covered["涂层"] || covered["纳米涂层"] || len(covered) != 2 {
		t.Errorf("pair-covered terms = %v, want 纳米 and 涂层", covered)
	}
	for i := range all.Analyze(text) {
		if all.PairCovered(text, all.Analyze(text), i) {
			t.Errorf("AllBigrams: token %d reported as covering a left-out bigram", i)
		}
	}
	// A synonym's term is not the pair, and a stopword emits nothing: both
	// keep their bigram.
	for _, tc := range []struct{ text, bigram string }{{"扫雪", "扫雪"}, {"所述", "所述"}} {
		if got := terms(t, a, tc.text, KindBigram); !slices.Contains(got, BigramPrefix+tc.bigram) {
			t.Errorf("%s: bigrams %q, want %q kept", tc.text, got, tc.bigram)
		}
		toks := a.Analyze(tc.text)
		for i := range toks {
			if a.PairCovered(tc.text, toks, i) {
				t.Errorf("%s: token %v reported as covering its bigram", tc.text, toks[i])
			}
		}
	}
	if a.Fingerprint() == all.Fingerprint() {
		t.Error("AllBigrams does not change the fingerprint")
	}
}

func TestLexiconBothDirections(t *testing.T) {
	lex, err := Default().Lexicon()
	if err != nil {
		t.Fatal(err)
	}
	if en := lex.English("传感器"); !slices.Contains(en, "sensor") {
		t.Errorf("English(传感器) = %v", en)
	}
	if en := lex.English("晶圆"); !slices.Contains(en, "wafer") {
		t.Errorf("English(晶圆) = %v", en)
	}
	if zh := lex.Chinese("sensor"); !slices.Contains(zh, "传感器") {
		t.Errorf("Chinese(sensor) = %v", zh)
	}
}

func TestStemPorter2(t *testing.T) {
	// Pairs from the Snowball English reference output (snowballstem.org).
	cases := map[string]string{
		"consigning": "consign", "consistency": "consist", "consolatory": "consolatori",
		"consolidate": "consolid", "conspicuous": "conspicu", "conspiracy": "conspiraci",
		"constable": "constabl", "constituencies": "constitu", "constitutional": "constitut",
		"contagious": "contagi", "contemplative": "contempl", "contemporaneousness": "contemporan",
		"contentious": "contenti", "continental": "continent", "continents": "contin",
		"contraction": "contract", "contrarieties": "contrarieti", "controlled": "control",
		"conventionalities": "convent", "convenience": "conveni", "conveyancer": "conveyanc",
		"convulsively": "convuls", "cooing": "coo", "coolly": "coolli", "copies": "copi",
		"copy": "copi", "coping": "cope", "copse": "cops", "corpses": "corps", "corps": "corp",
		"corrective": "correct", "correspondingly": "correspond", "costly": "cost", "cosy": "cosi",
		"cottagers": "cottag", "cosily": "cosili", "generously": "generous", "communication": "communic",
		"running": "run", "hopping": "hop", "skies": "sky", "ties": "tie", "cries": "cri",
		"gas": "gas", "gaps": "gap", "kiwis": "kiwi", "succeeds": "succeed", "news": "news",
	}
	for in, want := range cases {
		if got := Stem(in); got != want {
			t.Errorf("Stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadIsFast(t *testing.T) {
	start := time.Now()
	if _, err := New(Options{}); err != nil {
		t.Fatal(err)
	}
	// The server builds the analyzer at start-up; measured ~0.1 s on the
	// 2-core CI machine. The bound leaves room for a loaded machine.
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("loading took %v", d)
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyze(b *testing.B) {
	a := Default()
	text := strings.Repeat("本发明涉及一种用于液化和提纯高压乙烷供给流的装置和过程，装置包括级联冷却系统。", 4)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		a.Visit(text, func([]byte, TokenKind, int, int) {})
	}
}
