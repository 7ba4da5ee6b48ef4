package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/pdf"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

var (
	pdfLowInput  = pdf.Color{R: 0x25, G: 0x63, B: 0xeb}
	pdfHighInput = pdf.Color{R: 0xf9, G: 0x73, B: 0x16}
	pdfBar       = pdf.Color{R: 0xbf, G: 0xdb, B: 0xfe}
)

// Font sizes of the PDF.
const (
	sizeTitle   = 18
	sizeHeading = 13
	sizeBody    = 9.5
	sizeSmall   = 8
)

// PDF renders the report as an A4 PDF in "zh" or "en", fonts embedded.
func PDF(in valuation.Input, res valuation.Result, lang string) ([]byte, error) {
	lang = normLang(lang)
	p := newPage(in, res, lang)
	d, err := pdf.New(pdf.Options{Title: text("title", lang) + " — " + p.Title, Author: "techmarket",
		Subject: res.ListingID, Footer: text("title", lang) + " · " + p.Title})
	if err != nil {
		return nil, fmt.Errorf("valuation report: %w", err)
	}
	w := &pdfWriter{d: d, lang: lang}
	w.summary(p)
	w.method(res)
	w.rangeSection(res)
	w.sensitivity(res)
	w.inputs(p)
	w.assumptions(res)
	w.comparables(res)
	w.indicators(p)
	w.para(text("disclaimer", lang), sizeSmall, pdf.Gray)
	if w.err != nil {
		return nil, fmt.Errorf("valuation report: %w", w.err)
	}
	return d.Bytes()
}

// pdfWriter keeps the first error so the sections read straight.
type pdfWriter struct {
	d    *pdf.Document
	lang string
	err  error
}

func (w *pdfWriter) do(f func() error) {
	if w.err == nil {
		w.err = f()
	}
}

func (w *pdfWriter) heading(key string) {
	w.do(func() error { w.d.Space(6); return w.d.Heading(text(key, w.lang), sizeHeading) })
}

func (w *pdfWriter) para(s string, size float64, c pdf.Color) {
	w.do(func() error { return w.d.Paragraph(s, size, c) })
}

func (w *pdfWriter) table(cols []pdf.Column, rows [][]string) {
	w.do(func() error { return w.d.Table(pdf.Table{Columns: cols, Rows: rows, FontSize: sizeSmall, Zebra: true}) })
}

func (w *pdfWriter) col(key string, width float64, align pdf.Align) pdf.Column {
	return pdf.Column{Title: text(key, w.lang), Width: width, Align: align}
}

func (w *pdfWriter) sep() string {
	if w.lang == "zh" {
		return "："
	}
	return ": "
}

func (w *pdfWriter) summary(p page) {
	res, lang := p.R, w.lang
	w.do(func() error { return w.d.TextAt(w.d.Left(), w.d.Y(), text("title", lang), sizeTitle, pdf.Black) })
	w.d.Space(pdf.LineHeight(sizeTitle))
	w.para(p.Title, 11, pdf.Black)
	w.d.Space(4)
	w.table([]pdf.Column{{Title: "P10", Width: 0.25}, {Title: "P50", Width: 0.25}, {Title: "P90", Width: 0.25},
		w.col("total_score", 0.25, pdf.AlignLeft)},
		[][]string{{money(res.Value.P10, lang), money(res.Value.P50, lang), money(res.Value.P90, lang),
			fmt.Sprintf("%.1f / 100", res.Score.Total)}})
	w.para(fmt.Sprintf("%s%s%s · %s%s%s · %s%s%s", text("summary", lang), w.sep(), p.MethodLabel,
		text("scenario", lang), w.sep(), p.ScenarioLabel, text("date", lang), w.sep(), res.ValuationDate), sizeBody, pdf.Black)
	for _, warn := range res.Warnings {
		w.para("! "+warn.In(lang), sizeBody, pdf.Red)
	}
}

func (w *pdfWriter) method(res valuation.Result) {
	w.heading("method")
	w.para(res.MethodReason.In(w.lang), sizeBody, pdf.Black)
	w.d.Space(4)
	var rows [][]string
	for _, m := range res.Methods {
		state := text("not_applicable", w.lang)
		switch {
		case m.Chosen:
			state = text("chosen", w.lang)
		case m.Applicable:
			state = text("applicable", w.lang)
		}
		p10, p50, p90 := "—", "—", "—"
		if m.Value != nil {
			p10, p50, p90 = money(m.Value.P10, w.lang), money(m.Value.P50, w.lang), money(m.Value.P90, w.lang)
		}
		rows = append(rows, []string{m.Label.In(w.lang), state, p10, p50, p90, m.Reason.In(w.lang)})
	}
	w.table([]pdf.Column{w.col("col_method", 0.15, pdf.AlignLeft), {Width: 0.10},
		{Title: "P10", Width: 0.13, Align: pdf.AlignRight}, {Title: "P50", Width: 0.13, Align: pdf.AlignRight},
		{Title: "P90", Width: 0.13, Align: pdf.AlignRight}, w.col("col_reason", 0.36, pdf.AlignLeft)}, rows)
}

func (w *pdfWriter) rangeSection(res valuation.Result) {
	w.heading("range")
	w.do(func() error { return w.rangeChart(res) })
	w.table([]pdf.Column{{Title: "P10", Width: 0.18}, {Title: "P50", Width: 0.18}, {Title: "P90", Width: 0.18},
		w.col("mean", 0.18, pdf.AlignLeft), w.col("base_value", 0.28, pdf.AlignLeft)},
		[][]string{{money(res.Value.P10, w.lang), money(res.Value.P50, w.lang), money(res.Value.P90, w.lang),
			money(res.Value.Mean, w.lang), money(res.Value.Base, w.lang)}})
	w.para(text("range_note", w.lang), sizeSmall, pdf.Gray)
}

// rangeChart draws the histogram with P10/P50/P90 marks and one P10–P90 line
// per simulated approach.
func (w *pdfWriter) rangeChart(res valuation.Result) error {
	if len(res.Distribution) == 0 {
		return nil
	}
	d := w.d
	var rows []valuation.MethodOutcome
	for _, m := range res.Methods {
		if m.Value != nil {
			rows = append(rows, m)
		}
	}
	const histH, rowH, labelW = 90.0, 16.0, 90.0
	total := 14 + histH + 18 + rowH*float64(len(rows)) + 6
	if err := d.EnsureSpace(total); err != nil {
		return err
	}
	lo, hi := float64(res.Distribution[0].LowFen), float64(res.Distribution[len(res.Distribution)-1].HighFen)
	for _, m := range rows {
		lo, hi = math.Min(lo, float64(m.Value.P10)), math.Max(hi, float64(m.Value.P90))
	}
	x0 := d.Left() + labelW
	sc := newScale(lo, hi, x0, d.Left()+d.ContentWidth()-10)
	top := d.Y() + 14
	axisY := top + histH
	maxShare := 0.0
	for _, b := range res.Distribution {
		maxShare = math.Max(maxShare, b.Share)
	}
	for _, b := range res.Distribution {
		bx0, bx1 := sc.at(float64(b.LowFen)), sc.at(float64(b.HighFen))
		h := b.Share / maxShare * (histH - 6)
		d.Rect(bx0, axisY-h, math.Max(bx1-bx0-0.8, 0.4), h, pdfBar)
	}
	for _, p := range []struct {
		name string
		v    domain.Fen
	}{{"P10", res.Value.P10}, {"P50", res.Value.P50}, {"P90", res.Value.P90}} {
		x := sc.at(float64(p.v))
		d.Line(x, top, x, axisY, pdf.Black, map[bool]float64{true: 1.4, false: 0.7}[p.name == "P50"])
		label := p.name + " " + axisMoney(float64(p.v), w.lang)
		lw, err := d.TextWidth(label, sizeSmall)
		if err != nil {
			return err
		}
		if err := d.TextAt(x-lw/2, top-11, label, sizeSmall, pdf.Black); err != nil {
			return err
		}
	}
	d.Line(x0, axisY, sc.x1, axisY, pdf.Gray, 0.6)
	for _, t := range sc.ticks(6) {
		x := sc.at(t)
		d.Line(x, axisY, x, axisY+3, pdf.Gray, 0.6)
		label := axisMoney(t, w.lang)
		lw, err := d.TextWidth(label, 7)
		if err != nil {
			return err
		}
		if err := d.TextAt(x-lw/2, axisY+4, label, 7, pdf.Gray); err != nil {
			return err
		}
	}
	for i, m := range rows {
		y := axisY + 18 + float64(i)*rowH + rowH/2
		if err := d.TextAt(d.Left(), y-5, m.Label.In(w.lang), sizeSmall, pdf.Black); err != nil {
			return err
		}
		color := pdf.Gray
		if m.Chosen {
			color = pdfLowInput
		}
		d.Rect(sc.at(float64(m.Value.P10)), y-2.5, sc.at(float64(m.Value.P90))-sc.at(float64(m.Value.P10)), 5, color)
		x := sc.at(float64(m.Value.P50))
		d.Rect(x-1.5, y-5, 3, 10, pdf.Black)
	}
	d.SetY(top + total - 14)
	return nil
}

func (w *pdfWriter) sensitivity(res valuation.Result) {
	w.heading("sensitivity")
	if len(res.Tornado) == 0 {
		w.para("—", sizeBody, pdf.Gray)
		return
	}
	w.do(func() error { return w.tornado(res) })
	var rows [][]string
	for _, b := range res.Tornado {
		rows = append(rows, []string{b.Label.In(w.lang), quantity(b.LowInput, b.Unit, w.lang), quantity(b.HighInput, b.Unit, w.lang),
			money(b.LowValue, w.lang), money(b.HighValue, w.lang), money(b.Swing, w.lang)})
	}
	w.table([]pdf.Column{w.col("col_path", 0.25, pdf.AlignLeft), w.col("col_input_lo", 0.14, pdf.AlignRight),
		w.col("col_input_hi", 0.14, pdf.AlignRight), w.col("col_val_lo", 0.16, pdf.AlignRight),
		w.col("col_val_hi", 0.16, pdf.AlignRight), w.col("col_swing", 0.15, pdf.AlignRight)}, rows)
	w.para(text("tornado_note", w.lang), sizeSmall, pdf.Gray)
}

// tornado draws one bar per input around the base value: the part towards the
// value at the input's P10 in blue, towards its P90 in orange.
func (w *pdfWriter) tornado(res valuation.Result) error {
	d := w.d
	const rowH, labelW = 16.0, 130.0
	height := 12 + rowH*float64(len(res.Tornado)) + 14
	if err := d.EnsureSpace(height); err != nil {
		return err
	}
	base := float64(res.Value.Base)
	lo, hi := base, base
	for _, b := range res.Tornado {
		lo = math.Min(lo, math.Min(float64(b.LowValue), float64(b.HighValue)))
		hi = math.Max(hi, math.Max(float64(b.LowValue), float64(b.HighValue)))
	}
	sc := newScale(lo, hi, d.Left()+labelW+40, d.Left()+d.ContentWidth()-40)
	top := d.Y()
	d.Rect(sc.x0, top, 8, 8, pdfLowInput)
	legend := []string{domain.Label{Zh: "参数取 P10", En: "input at P10"}.In(w.lang), domain.Label{Zh: "参数取 P90", En: "input at P90"}.In(w.lang)}
	if err := d.TextAt(sc.x0+11, top-1, legend[0], sizeSmall, pdf.Black); err != nil {
		return err
	}
	d.Rect(sc.x0+90, top, 8, 8, pdfHighInput)
	if err := d.TextAt(sc.x0+101, top-1, legend[1], sizeSmall, pdf.Black); err != nil {
		return err
	}
	top += 12
	for i, b := range res.Tornado {
		y := top + float64(i)*rowH
		label := b.Label.In(w.lang)
		lw, err := d.TextWidth(label, sizeSmall)
		if err != nil {
			return err
		}
		if err := d.TextAt(d.Left()+labelW-lw, y+3, label, sizeSmall, pdf.Black); err != nil {
			return err
		}
		for _, seg := range []struct {
			v domain.Fen
			c pdf.Color
		}{{b.LowValue, pdfLowInput}, {b.HighValue, pdfHighInput}} {
			a, z := sc.at(base), sc.at(float64(seg.v))
			if z < a {
				a, z = z, a
			}
			d.Rect(a, y+3, math.Max(z-a, 0.4), rowH-6, seg.c)
		}
		left, right := min(b.LowValue, b.HighValue), max(b.LowValue, b.HighValue)
		ll := axisMoney(float64(left), w.lang)
		llw, err := d.TextWidth(ll, 7)
		if err != nil {
			return err
		}
		if err := d.TextAt(sc.at(float64(left))-llw-3, y+4, ll, 7, pdf.Gray); err != nil {
			return err
		}
		if err := d.TextAt(sc.at(float64(right))+3, y+4, axisMoney(float64(right), w.lang), 7, pdf.Gray); err != nil {
			return err
		}
	}
	bx := sc.at(base)
	bottom := top + rowH*float64(len(res.Tornado))
	d.Line(bx, top, bx, bottom, pdf.Black, 1)
	label := domain.Label{Zh: "基准 ", En: "base "}.In(w.lang) + money(res.Value.Base, w.lang)
	lw, err := d.TextWidth(label, sizeSmall)
	if err != nil {
		return err
	}
	if err := d.TextAt(bx-lw/2, bottom+2, label, sizeSmall, pdf.Black); err != nil {
		return err
	}
	d.SetY(bottom + 16)
	return nil
}

func (w *pdfWriter) inputs(p page) {
	w.heading("inputs")
	var facts [][]string
	for _, f := range p.Facts {
		facts = append(facts, []string{f[0], f[1]})
	}
	w.table([]pdf.Column{w.col("col_item", 0.3, pdf.AlignLeft), w.col("col_value", 0.7, pdf.AlignLeft)}, facts)
	if len(p.IPRows) > 0 {
		w.para(text("ip_items", w.lang), sizeBody, pdf.Black)
		w.table([]pdf.Column{w.col("col_type", 0.25, pdf.AlignLeft), w.col("col_number", 0.27, pdf.AlignLeft),
			w.col("col_status", 0.16, pdf.AlignLeft), w.col("col_expiry", 0.16, pdf.AlignLeft),
			w.col("col_remain", 0.16, pdf.AlignRight)}, p.IPRows)
	}
	w.para(text("uncertain", w.lang), sizeBody, pdf.Black)
	var rows [][]string
	for _, in := range p.R.Inputs {
		rows = append(rows, []string{valuation.Methods.Label(in.Method).In(w.lang), in.Label.In(w.lang), distName(in.Dist, w.lang),
			quantity(in.Low, in.Unit, w.lang), quantity(in.Base, in.Unit, w.lang), quantity(in.High, in.Unit, w.lang), source(in.Source, w.lang)})
	}
	w.table([]pdf.Column{w.col("col_method", 0.1, pdf.AlignLeft), w.col("col_path", 0.22, pdf.AlignLeft),
		w.col("col_dist", 0.12, pdf.AlignLeft), w.col("col_low", 0.15, pdf.AlignRight), w.col("col_base", 0.15, pdf.AlignRight),
		w.col("col_high", 0.15, pdf.AlignRight), w.col("col_source", 0.11, pdf.AlignLeft)}, rows)
}

func (w *pdfWriter) assumptions(res valuation.Result) {
	w.heading("assumptions")
	var rows [][]string
	for _, a := range res.Assumptions {
		rows = append(rows, []string{a.Label.In(w.lang), a.Value.In(w.lang), source(a.Source, w.lang)})
	}
	w.table([]pdf.Column{w.col("col_item", 0.25, pdf.AlignLeft), w.col("col_value", 0.63, pdf.AlignLeft),
		w.col("col_source", 0.12, pdf.AlignLeft)}, rows)
}

func (w *pdfWriter) comparables(res valuation.Result) {
	w.heading("comparables")
	if len(res.Comparables) == 0 {
		w.para(text("no_comparables", w.lang), sizeBody, pdf.Gray)
		return
	}
	var rows [][]string
	for _, c := range res.Comparables {
		rows = append(rows, []string{strings.TrimSpace(c.ID + " " + c.Title), domain.TechFields.Label(c.Field).In(w.lang),
			fmt.Sprint(c.TRL), c.ClosedOn, money(c.PriceFen, w.lang),
			fmt.Sprintf("%.2f × %.2f × %.2f", c.TRLFactor, c.IPFactor, c.TimeFactor), money(c.AdjustedFen, w.lang),
			fmt.Sprintf("%.1f%%", c.Weight*100)})
	}
	w.table([]pdf.Column{w.col("col_deal", 0.14, pdf.AlignLeft), w.col("field", 0.14, pdf.AlignLeft), {Title: "TRL", Width: 0.05},
		w.col("col_closed", 0.12, pdf.AlignLeft), w.col("col_price", 0.13, pdf.AlignRight), w.col("col_factors", 0.17, pdf.AlignRight),
		w.col("col_adjusted", 0.15, pdf.AlignRight), w.col("col_weight", 0.10, pdf.AlignRight)}, rows)
}

func (w *pdfWriter) indicators(p page) {
	w.heading("indicators")
	w.para(fmt.Sprintf("%s%s%.1f / 100 · %s%s%.0f%%", text("total_score", w.lang), w.sep(), p.R.Score.Total,
		text("evidence", w.lang), w.sep(), p.R.Score.Evidence*100), sizeBody, pdf.Black)
	var rows [][]string
	for _, n := range p.Nodes {
		basis := ""
		if n.Source != "" {
			basis = source(n.Source, w.lang) + w.sep() + n.Explanation.In(w.lang)
		}
		// The id shows the level (L, L1, L11): leading spaces would not survive wrapping.
		rows = append(rows, []string{n.ID, n.Label.In(w.lang), fmt.Sprintf("%.1f", n.Score), fmt.Sprintf("%.1f%%", n.GlobalWeight*100),
			fmt.Sprintf("%.2f", n.Contribution), fmt.Sprintf("%+.2f", n.Lift), basis})
	}
	w.table([]pdf.Column{w.col("col_id", 0.06, pdf.AlignLeft), w.col("col_name", 0.25, pdf.AlignLeft),
		w.col("col_score", 0.08, pdf.AlignRight), w.col("col_gweight", 0.10, pdf.AlignRight),
		w.col("col_contrib", 0.10, pdf.AlignRight), w.col("col_lift", 0.09, pdf.AlignRight),
		w.col("col_explain", 0.32, pdf.AlignLeft)}, rows)
	w.para(text("score_note", w.lang), sizeSmall, pdf.Gray)
}
