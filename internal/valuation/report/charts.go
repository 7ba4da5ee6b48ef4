package report

import (
	"html/template"

	"github.com/techmarket-org/techmarket/internal/valuation"
)

// Charts returns the report's two inline SVG charts, for pages that show a
// valuation without the whole report: the simulated distribution with the
// P10–P90 range of every approach, and the tornado sensitivity. Either is empty
// when the result has nothing to draw. The SVG uses attributes only (no inline
// style), so it passes a strict Content-Security-Policy.
func Charts(res valuation.Result, lang string) (rangeChart, tornado template.HTML) {
	lang = normLang(lang)
	return rangeSVG(res, lang), tornadoSVG(res, lang)
}
