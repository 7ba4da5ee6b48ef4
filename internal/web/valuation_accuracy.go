package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/reqctx"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

// accuracyPage is the data of valuation_accuracy.html.
type accuracyPage struct {
	A         service.Accuracy
	Histogram histogramChart
	// Shares as percentages, for display.
	CoveragePct, BelowPct, AbovePct, MedianAbsRelPct float64
}

// histogramChart is a vertical bar chart of P50/realised ratios, drawn as
// inline SVG by the server like the home page's chart.
type histogramChart struct {
	Width, Height, BaseY int
	Bars                 []histogramBar
	Desc                 string
}

type histogramBar struct {
	X, Y, W, H   int
	Label        string // the full bilingual bin name, for the tooltip and description
	Short        string // the ratio range alone, short enough to sit under the bar
	Count        int
	LabelX       int
	CountY       int
	Calibrated   bool // the bin around ratio 1 (P50 within ±10% of the price)
	LabelY       int
	CountVisible bool
}

const (
	histWidth  = 760
	histHeight = 260
	histTop    = 20
	histBottom = 40 // room for the labels
)

func newHistogram(a service.Accuracy, lang string) histogramChart {
	c := histogramChart{Width: histWidth, Height: histHeight, BaseY: histHeight - histBottom}
	n := len(a.Histogram)
	if n == 0 {
		return c
	}
	most := 0
	for _, b := range a.Histogram {
		most = max(most, b.Count)
	}
	slot := histWidth / n
	room := c.BaseY - histTop
	var desc []string
	for i, b := range a.Histogram {
		bar := histogramBar{Label: b.Label.In(lang), Short: shortRatioLabel(b.Low, b.High, b.Open), Count: b.Count, X: i*slot + 6, W: slot - 12,
			LabelX: i*slot + slot/2, LabelY: c.BaseY + 18, Calibrated: !b.Open && b.Low <= 1 && 1 < b.High}
		if most > 0 {
			bar.H = b.Count * room / most
		}
		if b.Count > 0 && bar.H < 2 {
			bar.H = 2
		}
		bar.Y = c.BaseY - bar.H
		bar.CountY = bar.Y - 4
		bar.CountVisible = b.Count > 0
		c.Bars = append(c.Bars, bar)
		desc = append(desc, fmt.Sprintf("%s: %d", bar.Label, b.Count))
	}
	c.Desc = strings.Join(desc, "; ")
	return c
}

// shortRatioLabel names a bin by its P50/price ratios: "< 0.25", "0.9–1.1", "≥ 4".
func shortRatioLabel(low, high float64, open bool) string {
	num := func(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }
	switch {
	case open:
		return "≥ " + num(low)
	case low <= 0:
		return "< " + num(high)
	}
	return num(low) + "–" + num(high)
}

func (s *site) valuationAccuracy(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	a, err := s.valuations().Accuracy(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "valuation_accuracy", accuracyPage{A: a, Histogram: newHistogram(a, reqctx.Lang(r.Context())),
		CoveragePct: 100 * a.Coverage, BelowPct: 100 * a.BelowP10, AbovePct: 100 * a.AboveP90, MedianAbsRelPct: 100 * a.MedianAbsRelativeError})
}
