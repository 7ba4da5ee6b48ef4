package eval

import (
	"math/rand/v2"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Synth generates documents whose words follow a real corpus: each synthetic
// document copies the length of a randomly chosen real one (its template) and
// draws every word either from that template (keeping topical co-occurrence,
// so multi-term queries have documents that match several terms) or from the
// corpus-wide word distribution. The text is rebuilt from surface forms and
// goes through the analyzer again when indexed, so a build measures the whole
// pipeline.
type Synth struct {
	words     []string // surface forms
	latin     []bool   // word is Latin-script: needs spaces around it
	all       []int32  // every word occurrence of the corpus: sampling it is unigram sampling
	templates [][]int32
	titles    []bool
}

// templateShare is the probability that a word comes from the template.
const templateShare = 0.5

// NewSynth learns the word distribution of docs.
func NewSynth(docs []Doc, an *textproc.Analyzer) *Synth {
	s := &Synth{}
	index := map[string]int32{}
	for _, d := range docs {
		text := d.Title + "\n" + d.Text
		var tpl []int32
		an.Visit(text, func(_ []byte, kind textproc.TokenKind, start, end int) {
			if kind != textproc.KindWord && kind != textproc.KindLatin {
				return
			}
			w := text[start:end]
			id, ok := index[w]
			if !ok {
				id = int32(len(s.words))
				index[w] = id
				s.words = append(s.words, w)
				s.latin = append(s.latin, kind == textproc.KindLatin)
			}
			tpl = append(tpl, id)
			s.all = append(s.all, id)
		})
		if len(tpl) > 0 {
			s.templates = append(s.templates, tpl)
			s.titles = append(s.titles, d.Title != "")
		}
	}
	return s
}

// Doc returns synthetic document i; the same i always gives the same document.
func (s *Synth) Doc(i int) search.Doc {
	rng := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	tpl := s.templates[rng.IntN(len(s.templates))]
	var b strings.Builder
	pick := func() int32 {
		if rng.Float64() < templateShare {
			return tpl[rng.IntN(len(tpl))]
		}
		return s.all[rng.IntN(len(s.all))]
	}
	write := func(n int) string {
		b.Reset()
		prevLatin := false
		for j := 0; j < n; j++ {
			w := pick()
			if s.latin[w] || prevLatin {
				b.WriteByte(' ')
			}
			b.WriteString(s.words[w])
			prevLatin = s.latin[w]
		}
		return b.String()
	}
	d := search.Doc{ID: "syn-" + itoa(i)}
	if rng.IntN(5) == 0 {
		d.Title = write(6 + rng.IntN(8))
	}
	d.Body = write(len(tpl))
	if rng.IntN(2) == 0 {
		d.Kind = "achievement"
		d.Features.PriceFen = int64(rng.IntN(500)+1) * 1_000_000
		d.Features.TRL = 1 + rng.IntN(9)
	} else {
		d.Kind = "need"
		lo := int64(rng.IntN(300)) * 1_000_000
		d.Features.BudgetMinFen, d.Features.BudgetMaxFen = lo, lo+int64(rng.IntN(300)+1)*1_000_000
		d.Features.TRL = 1 + rng.IntN(9)
	}
	d.Features.Fields = []string{domain.TechFields[rng.IntN(len(domain.TechFields))].Code}
	d.Features.TransferModes = []string{domain.TransferModes[rng.IntN(len(domain.TransferModes))].Code}
	d.Features.Region = domain.Provinces[rng.IntN(len(domain.Provinces))].Code + "0100"
	return d
}

func itoa(i int) string {
	var buf [20]byte
	p := len(buf)
	for {
		p--
		buf[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[p:])
		}
	}
}

// SampleQueries draws n queries from real ones, reproducibly: full is a real
// query's whole keyphrase list (the matching case), short 1–4 of its
// keyphrases in random order (the search-box case). Queries without
// keyphrases are skipped.
func SampleQueries(real []Query, n int) (short, full []string) {
	rng := rand.New(rand.NewPCG(7, 7))
	short, full = make([]string, 0, n), make([]string, 0, n)
	for len(short) < n {
		q := real[rng.IntN(len(real))]
		kps := strings.Fields(q.Text)
		if len(kps) == 0 {
			continue
		}
		rng.Shuffle(len(kps), func(i, j int) { kps[i], kps[j] = kps[j], kps[i] })
		short = append(short, strings.Join(kps[:min(len(kps), 1+rng.IntN(4))], " "))
		full = append(full, q.Text)
	}
	return short, full
}
