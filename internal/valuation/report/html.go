package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

//go:embed report.html.tmpl
var reportTemplate string

// page is what the template sees.
type page struct {
	HTMLLang      string
	Title         string
	ScenarioLabel string
	MethodLabel   string
	R             valuation.Result
	Facts         [][2]string
	IPRows        [][]string
	Nodes         []valuation.NodeScore
	RangeSVG      template.HTML
	TornadoSVG    template.HTML
}

func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":          func(key string) string { return text(key, lang) },
		"lang":       func(l domain.Label) string { return l.In(lang) },
		"money":      func(f domain.Fen) string { return money(f, lang) },
		"qty":        func(v float64, unit string) string { return quantity(v, unit, lang) },
		"src":        func(s string) string { return source(s, lang) },
		"dist":       func(d string) string { return distName(d, lang) },
		"pct":        func(v float64) float64 { return v * 100 },
		"methodName": func(m string) string { return valuation.Methods.Label(m).In(lang) },
		"fieldName":  func(f string) string { return domain.TechFields.Label(f).In(lang) },
		"stop": func() string {
			if lang == "zh" {
				return "。"
			}
			return ". "
		},
		"sep": func() string {
			if lang == "zh" {
				return "："
			}
			return ": "
		},
	}
}

// HTML writes the report as one self-contained HTML page (no external
// resources) in "zh" or "en".
func HTML(w io.Writer, in valuation.Input, res valuation.Result, lang string) error {
	lang = normLang(lang)
	tmpl, err := template.New("report").Funcs(funcs(lang)).Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("parse report template: %w", err)
	}
	if err := tmpl.Execute(w, newPage(in, res, lang)); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

func newPage(in valuation.Input, res valuation.Result, lang string) page {
	title := strings.TrimSpace(res.Title)
	if title == "" {
		title = res.ListingID
	}
	return page{
		HTMLLang:      map[string]string{"zh": "zh-CN", "en": "en"}[lang],
		Title:         title,
		ScenarioLabel: valuation.Scenarios.Label(res.Scenario).In(lang),
		MethodLabel:   valuation.Methods.Label(res.Method).In(lang),
		R:             res,
		Facts:         facts(in, res, lang),
		IPRows:        ipRows(in, res, lang),
		Nodes:         depthFirst(res.Score),
		RangeSVG:      rangeSVG(res, lang),
		TornadoSVG:    tornadoSVG(res, lang),
	}
}

// depthFirst orders the indicator nodes as a tree reads: each dimension, then
// its groups, each followed by its indicators.
func depthFirst(s valuation.Score) []valuation.NodeScore {
	children := map[string][]valuation.NodeScore{}
	for _, n := range s.Nodes {
		children[n.Parent] = append(children[n.Parent], n)
	}
	var out []valuation.NodeScore
	var walk func(parent string)
	walk = func(parent string) {
		for _, n := range children[parent] {
			out = append(out, n)
			walk(n.ID)
		}
	}
	walk("")
	return out
}
