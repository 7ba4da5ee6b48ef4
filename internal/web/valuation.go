package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/reqctx"
	"github.com/techmarket-org/techmarket/internal/valuation"
	"github.com/techmarket-org/techmarket/internal/valuation/report"
	"github.com/techmarket-org/techmarket/internal/valuation/service"
)

// Valuation pages (issue 7): the wizard from a listing, the result with its
// charts and reports, re-running with changed assumptions, recording the
// realised price, and the accuracy of valuations against realised prices.

// valuationRoutes adds the valuation pages; called from routes.
func (s *site) valuationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /listings/{id}/valuations/new", s.handle(s.valuationWizard))
	mux.HandleFunc("POST /listings/{id}/valuations/new", s.handle(s.createValuation))
	mux.HandleFunc("GET /valuations/accuracy", s.handle(s.valuationAccuracy))
	mux.HandleFunc("GET /valuations/{id}", s.handle(s.valuationResult))
	mux.HandleFunc("GET /valuations/{id}/rerun", s.handle(s.rerunWizard))
	mux.HandleFunc("POST /valuations/{id}/rerun", s.handle(s.rerunValuation))
	mux.HandleFunc("POST /valuations/{id}/realised", s.handle(s.recordRealised))
	mux.HandleFunc("GET /valuations/{id}/report.pdf", s.handle(s.valuationReportPDF))
	mux.HandleFunc("GET /valuations/{id}/report.html", s.handle(s.valuationReportHTML))
}

// valuations is the valuation service; it holds no state beyond its dependencies.
func (s *site) valuations() *service.Service { return s.app.Valuations }

// rangeRow is one low/base/high row of the wizard, errors of the whole range beside it.
type rangeRow struct {
	Label, Unit string
	Errors      []string
	Parts       []field // low, base, high
	ID          string
}

// ipFormRow is one right of the listing, whose dates and claims the wizard asks for.
type ipFormRow struct {
	Label                  string
	Filing, Expiry, Claims field
}

// wizardPage is the data of valuation_form.html.
type wizardPage struct {
	L        listing.Listing
	Action   string
	ParentID string // set when re-running a saved valuation
	F        map[string]field
	IPRows   []ipFormRow
	Income   []rangeRow
	Cost     []rangeRow
	Summary  []errorSummaryItem
	BaseJSON string
	Saved    []service.Valuation
}

func (s *site) newWizardPage(r *http.Request, l listing.Listing, f valuationForm, errs []apperr.FieldError) wizardPage {
	lang := reqctx.Lang(r.Context())
	b := newFormBuilder(lang, errs)
	get := f.Values.Get
	lbl := func(name string) string { return tr(lang, "val.f."+name) }
	mk := func(control, name string) field { return b.make(control, name, name, lbl(name), get(name)) }
	p := wizardPage{L: l, F: map[string]field{}, BaseJSON: f.BaseJSON()}

	sel := func(name string, opts []option) {
		fl := mk("select", name)
		fl.Options = markSelected(opts, get(name))
		p.F[name] = fl
	}
	sel("scenario", codeOptions(lang, valuation.Scenarios, ""))
	sel("method", append([]option{{Value: valuation.MethodAuto, Label: tr(lang, "val.method.auto")}}, codeOptions(lang, valuation.Methods, "")...))
	sel("trl", trlOptions(lang, tr(lang, "val.choose")))
	sel("implementation", codeOptions(lang, valuation.Implementations, tr(lang, "val.unknown")))
	sel("income.basis", []option{{Value: valuation.BasisProfitSplit, Label: tr(lang, "val.basis.profit_split")},
		{Value: valuation.BasisReliefFromRoyalty, Label: tr(lang, "val.basis.relief_from_royalty")}})
	sel("cost.basis", []option{{Value: valuation.BasisReplacement, Label: tr(lang, "val.basis.replacement")},
		{Value: valuation.BasisReproduction, Label: tr(lang, "val.basis.reproduction")}})
	date := mk("input", "valuation_date")
	date.Type, date.Required = "date", true
	p.F["valuation_date"] = date
	tax := mk("input", "income.tax_rate")
	tax.Hint = tr(lang, "val.hint.percent")
	p.F["income.tax_rate"] = tax

	for i, it := range f.Base.IPItems {
		pre := fmt.Sprintf("ip_items[%d].", i)
		row := ipFormRow{Label: strings.TrimSpace(label(lang, "ip_type", it.Type) + " " + it.Number)}
		row.Filing = b.make("input", pre+"filing_date", pre+"filing_date", tr(lang, "val.f.filing_date"), get(pre+"filing_date"))
		row.Filing.Type = "date"
		row.Expiry = b.make("input", pre+"expiry_date", pre+"expiry_date", tr(lang, "val.f.expiry_date"), get(pre+"expiry_date"))
		row.Expiry.Type = "date"
		row.Claims = b.make("input", pre+"claims", pre+"claims", tr(lang, "val.f.claims"), get(pre+"claims"))
		row.Claims.Type = "number"
		// Errors about the item as a whole (a missing date) show under its filing date.
		row.Filing.Errors = append(row.Filing.Errors, b.errs.of(strings.TrimSuffix(pre, "."), false)...)
		p.IPRows = append(p.IPRows, row)
	}
	rows := func(specs []rangeSpec) []rangeRow {
		var out []rangeRow
		for _, sp := range specs {
			row := rangeRow{Label: lbl(sp.Path), Unit: tr(lang, "val.unit."+sp.Unit), ID: controlID(sp.Path)}
			part := func(name, title string) field {
				fl := b.make("input", sp.Path+"."+name, sp.Path+"."+name, title+" · "+row.Label, get(sp.Path+"."+name))
				fl.Type = "text"
				return fl
			}
			row.Parts = []field{part("low", tr(lang, "val.low")), part("base", tr(lang, "val.base")), part("high", tr(lang, "val.high"))}
			row.Errors = b.errs.of(sp.Path, false)
			b.anchors[sp.Path] = row.Parts[1]
			out = append(out, row)
		}
		return out
	}
	p.Income, p.Cost = rows(incomeRows), rows(costRows)
	for _, name := range []string{"income", "cost", "market", "method", "ip_items"} {
		if _, ok := b.anchors[name]; !ok {
			b.anchors[name] = p.F["method"]
		}
	}
	p.Summary = b.summary()
	return p
}

func (s *site) valuationWizard(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	in, l, err := s.valuations().Draft(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := s.newWizardPage(r, l, newValuationForm(in, true), nil)
	p.Action = "/listings/" + l.ID + "/valuations/new"
	p.Saved, _ = s.valuations().ListForListing(r.Context(), actor, l.ID)
	return s.render(w, r, http.StatusOK, "valuation_form", p)
}

// submitWizard runs create or re-run on a posted form; errors re-show the form.
func (s *site) submitWizard(w http.ResponseWriter, r *http.Request, l listing.Listing, action, parentID string,
	run func(valuation.Input) (service.Valuation, error)) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f, err := readValuationForm(r.PostForm)
	if err != nil {
		return err
	}
	in, formErrs := f.input()
	var fields []apperr.FieldError
	if err := formErrs.Err("web.valuation"); err != nil {
		fields = apperr.FieldsOf(err)
	} else {
		v, err := run(in)
		if fields = apperr.FieldsOf(err); len(fields) == 0 {
			if err != nil {
				return err
			}
			seeOther(w, r, "/valuations/"+v.ID, "")
			return nil
		}
	}
	p := s.newWizardPage(r, l, f, fields)
	p.Action, p.ParentID = action, parentID
	return s.render(w, r, http.StatusUnprocessableEntity, "valuation_form", p)
}

func (s *site) createValuation(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	_, l, err := s.valuations().Draft(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.submitWizard(w, r, l, "/listings/"+l.ID+"/valuations/new", "", func(in valuation.Input) (service.Valuation, error) {
		return s.valuations().Create(r.Context(), actor, l.ID, in)
	})
}

// saved loads a valuation with its listing, for the pages about one valuation.
func (s *site) saved(r *http.Request) (domain.Actor, service.Valuation, listing.Listing, error) {
	actor, err := signedIn(r)
	if err != nil {
		return actor, service.Valuation{}, listing.Listing{}, err
	}
	v, err := s.valuations().Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return actor, service.Valuation{}, listing.Listing{}, err
	}
	l, err := s.app.Listings.Get(r.Context(), actor, v.ListingID)
	return actor, v, l, err
}

func (s *site) rerunWizard(w http.ResponseWriter, r *http.Request) error {
	actor, v, l, err := s.saved(r)
	if err != nil {
		return err
	}
	if !service.CanValue(actor, l) {
		return apperr.E("web.valuation", apperr.Forbidden, "only the owning organisation, operators and brokers may value a listing")
	}
	p := s.newWizardPage(r, l, newValuationForm(v.Input, false), nil)
	p.Action, p.ParentID = "/valuations/"+v.ID+"/rerun", v.ID
	return s.render(w, r, http.StatusOK, "valuation_form", p)
}

func (s *site) rerunValuation(w http.ResponseWriter, r *http.Request) error {
	actor, v, l, err := s.saved(r)
	if err != nil {
		return err
	}
	return s.submitWizard(w, r, l, "/valuations/"+v.ID+"/rerun", v.ID, func(in valuation.Input) (service.Valuation, error) {
		return s.valuations().Rerun(r.Context(), actor, v.ID, in)
	})
}

// resultPage is the data of valuation.html.
type resultPage struct {
	V                 service.Valuation
	L                 listing.Listing
	RangeSVG, Tornado template.HTML
	// FirstLevel are legal, technical and economic value; TopIndicators the
	// leaves that move the score most from neutral.
	FirstLevel, TopIndicators []indicatorRow
	EvidencePct               float64
	Saved                     []service.Valuation
	CanValue                  bool
	CanRecord                 bool
	Realised                  map[string]field
	Summary                   []errorSummaryItem
}

// indicatorRow is one line of the indicator table.
type indicatorRow struct {
	ID, Label, Explanation string
	Score, WeightPct, Lift float64
}

func (s *site) valuationResult(w http.ResponseWriter, r *http.Request) error {
	return s.renderResult(w, r, http.StatusOK, nil, nil)
}

func (s *site) renderResult(w http.ResponseWriter, r *http.Request, status int, posted map[string]string, errs []apperr.FieldError) error {
	actor, v, l, err := s.saved(r)
	if err != nil {
		return err
	}
	lang := reqctx.Lang(r.Context())
	p := resultPage{V: v, L: l, CanValue: service.CanValue(actor, l),
		CanRecord: actor.HasRole(domain.RoleOperator) || actor.MemberOf(l.OwnerOrgID)}
	p.RangeSVG, p.Tornado = report.Charts(v.Result, lang)
	var leaves []indicatorRow
	for _, n := range v.Result.Score.Nodes {
		row := indicatorRow{ID: n.ID, Label: n.Label.In(lang), Explanation: n.Explanation.In(lang),
			Score: n.Score, WeightPct: 100 * n.GlobalWeight, Lift: n.Lift}
		switch n.Level {
		case 1:
			p.FirstLevel = append(p.FirstLevel, row)
		case 3:
			leaves = append(leaves, row)
		}
	}
	p.EvidencePct = 100 * v.Result.Score.Evidence
	// Sort by how far each indicator moves the total, strongest first.
	for i := 1; i < len(leaves); i++ {
		for j := i; j > 0 && math.Abs(leaves[j].Lift) > math.Abs(leaves[j-1].Lift); j-- {
			leaves[j], leaves[j-1] = leaves[j-1], leaves[j]
		}
	}
	p.TopIndicators = leaves[:min(8, len(leaves))]
	p.Saved, _ = s.valuations().ListForListing(r.Context(), actor, l.ID)
	b := newFormBuilder(lang, errs)
	p.Realised = map[string]field{}
	for _, name := range []string{"price", "date", "source"} {
		errName := name
		if name == "price" {
			errName = "price_fen"
		}
		fl := b.make("input", name, errName, tr(lang, "val.realised."+name), posted[name])
		if name == "date" {
			fl.Type = "date"
		}
		p.Realised[name] = fl
	}
	p.Summary = b.summary()
	return s.render(w, r, status, "valuation", p)
}

func (s *site) recordRealised(w http.ResponseWriter, r *http.Request) error {
	actor, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r); err != nil {
		return err
	}
	posted := map[string]string{"price": r.PostFormValue("price"), "date": r.PostFormValue("date"), "source": r.PostFormValue("source")}
	price, perr := parseAmount(posted["price"], unitWan)
	if perr != nil || posted["price"] == "" {
		price = 0 // the service names price_fen as invalid
	}
	_, err = s.valuations().RecordRealised(r.Context(), actor, r.PathValue("id"),
		service.Realised{PriceFen: price, Date: posted["date"], Source: posted["source"]})
	if fields := apperr.FieldsOf(err); len(fields) > 0 {
		return s.renderResult(w, r, http.StatusUnprocessableEntity, posted, fields)
	}
	if err != nil {
		return err
	}
	seeOther(w, r, "/valuations/"+r.PathValue("id"), "")
	return nil
}

// valuationReportPDF downloads the report in the page's language.
func (s *site) valuationReportPDF(w http.ResponseWriter, r *http.Request) error {
	_, v, _, err := s.saved(r)
	if err != nil {
		return err
	}
	doc, err := report.PDF(v.Input, v.Result, reqctx.Lang(r.Context()))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="valuation-`+v.ID+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(doc)
	return nil
}

// valuationReportHTML shows the self-contained report. It carries its own
// inline CSS, so this response relaxes the site's style policy for itself only.
func (s *site) valuationReportHTML(w http.ResponseWriter, r *http.Request) error {
	_, v, _, err := s.saved(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.HTML(&buf, v.Input, v.Result, reqctx.Lang(r.Context())); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return nil
}
