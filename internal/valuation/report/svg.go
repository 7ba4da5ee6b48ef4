package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

// Chart colours, shared with the PDF.
const (
	colorLowInput  = "#2563eb" // the input at its 10th percentile
	colorHighInput = "#f97316" // the input at its 90th percentile
	colorBar       = "#bfdbfe"
	colorAxis      = "#6b7280"
	colorMark      = "#1f2937"
)

// axisMoney is a short money label for chart axes.
func axisMoney(f float64, lang string) string {
	if lang == "zh" {
		return fmt.Sprintf("%.0f万", f/1e6)
	}
	yuan := f / 100
	switch {
	case math.Abs(yuan) >= 1e6:
		return fmt.Sprintf("%.1fm", yuan/1e6)
	case math.Abs(yuan) >= 1e3:
		return fmt.Sprintf("%.0fk", yuan/1e3)
	}
	return fmt.Sprintf("%.0f", yuan)
}

// scale maps [lo, hi] onto [x0, x1].
type scale struct{ lo, hi, x0, x1 float64 }

func newScale(lo, hi, x0, x1 float64) scale {
	if hi <= lo {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.05
	return scale{lo - pad, hi + pad, x0, x1}
}

func (s scale) at(v float64) float64 { return s.x0 + (v-s.lo)/(s.hi-s.lo)*(s.x1-s.x0) }

// ticks returns about n round values within the scale.
func (s scale) ticks(n int) []float64 {
	raw := (s.hi - s.lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(s.lo/step) * step; v <= s.hi; v += step {
		out = append(out, v)
	}
	return out
}

type svgWriter struct{ b strings.Builder }

func (w *svgWriter) f(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

func (w *svgWriter) text(x, y float64, anchor, color string, size float64, s string) {
	w.f(`<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s" font-size="%.0f">%s</text>`, x, y, anchor, color, size, html.EscapeString(s))
}

// tornadoSVG draws the sensitivity bars around the base value.
func tornadoSVG(res valuation.Result, lang string) template.HTML {
	bars := res.Tornado
	if len(bars) == 0 {
		return ""
	}
	const width, labelW, rowH, top = 760.0, 210.0, 28.0, 30.0
	height := top + rowH*float64(len(bars)) + 34
	base := float64(res.Value.Base)
	lo, hi := base, base
	for _, b := range bars {
		lo = math.Min(lo, math.Min(float64(b.LowValue), float64(b.HighValue)))
		hi = math.Max(hi, math.Max(float64(b.LowValue), float64(b.HighValue)))
	}
	sc := newScale(lo, hi, labelW+60, width-70)
	var w svgWriter
	w.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" class="chart tornado" font-family="sans-serif">`, width, height)
	w.f(`<title>%s</title>`, html.EscapeString(text("sensitivity", lang)))
	// Legend.
	w.f(`<rect x="%.0f" y="6" width="12" height="12" fill="%s"/>`, labelW+60, colorLowInput)
	w.text(labelW+78, 16, "start", colorMark, 12, domain.Label{Zh: "参数取 P10", En: "input at P10"}.In(lang))
	w.f(`<rect x="%.0f" y="6" width="12" height="12" fill="%s"/>`, labelW+200, colorHighInput)
	w.text(labelW+218, 16, "start", colorMark, 12, domain.Label{Zh: "参数取 P90", En: "input at P90"}.In(lang))
	for i, b := range bars {
		y := top + float64(i)*rowH
		w.text(labelW+50, y+rowH/2+4, "end", colorMark, 12, b.Label.In(lang))
		for _, seg := range []struct {
			v     domain.Fen
			color string
		}{{b.LowValue, colorLowInput}, {b.HighValue, colorHighInput}} {
			x0, x1 := sc.at(base), sc.at(float64(seg.v))
			if x1 < x0 {
				x0, x1 = x1, x0
			}
			w.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x0, y+5, math.Max(x1-x0, 0.5), rowH-10, seg.color)
		}
		left, right := b.LowValue, b.HighValue
		if left > right {
			left, right = right, left
		}
		w.text(sc.at(float64(left))-4, y+rowH/2+4, "end", colorAxis, 10, axisMoney(float64(left), lang))
		w.text(sc.at(float64(right))+4, y+rowH/2+4, "start", colorAxis, 10, axisMoney(float64(right), lang))
	}
	bx := sc.at(base)
	bottom := top + rowH*float64(len(bars))
	w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1.5"/>`, bx, top-2, bx, bottom+2, colorMark)
	w.text(bx, bottom+18, "middle", colorMark, 11, fmt.Sprintf("%s %s", domain.Label{Zh: "基准", En: "base"}.In(lang), money(res.Value.Base, lang)))
	w.f(`</svg>`)
	return template.HTML(w.b.String())
}

// rangeSVG draws the simulated distribution with its P10/P50/P90 and, below,
// the P10–P90 range of every approach that was simulated.
func rangeSVG(res valuation.Result, lang string) template.HTML {
	if len(res.Distribution) == 0 {
		return ""
	}
	const width, left, right, histTop, histH = 760.0, 150.0, 30.0, 24.0, 150.0
	var rows []valuation.MethodOutcome
	for _, m := range res.Methods {
		if m.Value != nil {
			rows = append(rows, m)
		}
	}
	const rowH = 24.0
	axisY := histTop + histH
	height := axisY + 30 + rowH*float64(len(rows)) + 10
	lo, hi := float64(res.Distribution[0].LowFen), float64(res.Distribution[len(res.Distribution)-1].HighFen)
	for _, m := range rows {
		lo, hi = math.Min(lo, float64(m.Value.P10)), math.Max(hi, float64(m.Value.P90))
	}
	sc := newScale(lo, hi, left, width-right)
	maxShare := 0.0
	for _, b := range res.Distribution {
		maxShare = math.Max(maxShare, b.Share)
	}
	var w svgWriter
	w.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" class="chart range" font-family="sans-serif">`, width, height)
	w.f(`<title>%s</title>`, html.EscapeString(text("range", lang)))
	for _, b := range res.Distribution {
		x0, x1 := sc.at(float64(b.LowFen)), sc.at(float64(b.HighFen))
		h := b.Share / maxShare * (histH - 20)
		w.f(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x0, axisY-h, math.Max(x1-x0-1, 0.5), h, colorBar)
	}
	for _, p := range []struct {
		name string
		v    domain.Fen
	}{{"P10", res.Value.P10}, {"P50", res.Value.P50}, {"P90", res.Value.P90}} {
		x := sc.at(float64(p.v))
		w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%s"/>`, x, histTop, x, axisY, colorMark,
			map[bool]string{true: "2", false: "1"}[p.name == "P50"])
		w.text(x, histTop-6, "middle", colorMark, 11, p.name+" "+axisMoney(float64(p.v), lang))
	}
	w.f(`<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="%s"/>`, left, axisY, width-right, axisY, colorAxis)
	for _, t := range sc.ticks(6) {
		x := sc.at(t)
		w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, x, axisY, x, axisY+4, colorAxis)
		w.text(x, axisY+16, "middle", colorAxis, 10, axisMoney(t, lang))
	}
	for i, m := range rows {
		y := axisY + 30 + float64(i)*rowH + rowH/2
		color := colorAxis
		if m.Chosen {
			color = colorLowInput
		}
		w.text(left-10, y+4, "end", colorMark, 12, m.Label.In(lang))
		w.f(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="6" stroke-linecap="round"/>`,
			sc.at(float64(m.Value.P10)), y, sc.at(float64(m.Value.P90)), y, color)
		w.f(`<circle cx="%.1f" cy="%.1f" r="5" fill="#fff" stroke="%s" stroke-width="2"/>`, sc.at(float64(m.Value.P50)), y, colorMark)
	}
	w.f(`</svg>`)
	return template.HTML(w.b.String())
}
