package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/reqctx"
)

// The typed contract form: every field of deal.Terms as an input, repeated
// groups as table rows (the existing ones plus blankRows empty ones, so that a
// row can be added without script). Inputs are named after the terms' JSON
// paths with dots for indices and yuan for fen ("milestones.1.amount_yuan"),
// so that the service's field errors ("milestones[1].amount_fen") map onto
// them mechanically. Blank rows are dropped before parsing and the form is
// shown again compacted, so a row's index on the re-shown form is its index
// in the terms the service saw.

// blankRows is how many empty rows each repeated group offers.
const blankRows = 2

type contractIPRow struct {
	Type, Number, Title, Holder string
	Types                       []option
}

type milestoneRow struct{ Name, Deliverables, AcceptanceCriteria, AmountYuan, DueDate string }

type lineItemRow struct {
	Description, Kind, AmountYuan string
	Kinds                         []option
}

// contractForm is the typed form's values as typed (or as drafted).
type contractForm struct {
	ContractType, SubType, Title, Subject, PriceYuan                        string
	IPItems                                                                 []contractIPRow
	Exclusivity, Territory, Field, TermMonths                               string
	Sublicense                                                              bool
	PaymentMode, EntryFeeYuan, RoyaltyBase, RoyaltyRate, FreeUseMonths      string
	RoyaltyPct                                                              []string
	BookInspection                                                          bool
	Milestones                                                              []milestoneRow
	LineItems                                                               []lineItemRow
	ConfidentialityYears, ConfidentialityScope, Improvements, DisputeMethod string
	DisputeForum, ValidFrom, ValidUntil                                     string
	ContractTypes, SubTypes, Exclusivities, PaymentModes, RoyaltyBases      []option
	RoyaltyRates, ImprovementRules, DisputeMethods                          []option
	Errs                                                                    formErrors
}

// contractFormOf fills the form from terms, with the blank rows added.
func contractFormOf(t deal.Terms) contractForm {
	var x dealText
	f := contractForm{ContractType: t.ContractType, SubType: t.SubType, Title: t.Title, Subject: t.Subject,
		PriceYuan: x.Yuan(t.PriceFen), PaymentMode: t.Payment.Mode, EntryFeeYuan: x.Yuan(t.Payment.EntryFeeFen),
		RoyaltyBase: t.Payment.RoyaltyBase, RoyaltyRate: t.Payment.RoyaltyRate, FreeUseMonths: itoaBlank(t.Payment.FreeUseMonths),
		BookInspection: t.Payment.BookInspection, ConfidentialityYears: strconv.Itoa(t.Confidentiality.Years),
		ConfidentialityScope: t.Confidentiality.Scope, Improvements: t.Improvements, DisputeMethod: t.Dispute.Method,
		DisputeForum: t.Dispute.Forum, ValidFrom: t.ValidFrom, ValidUntil: t.ValidUntil}
	if l := t.Licence; l != nil {
		f.Exclusivity, f.Territory, f.Field, f.TermMonths, f.Sublicense = l.Exclusivity, l.Territory, l.Field, itoaBlank(l.TermMonths), l.Sublicense
	}
	for _, it := range t.IPItems {
		f.IPItems = append(f.IPItems, contractIPRow{Type: it.Type, Number: it.Number, Title: it.Title, Holder: it.Holder})
	}
	for _, bp := range t.Payment.RoyaltyBPByYear {
		f.RoyaltyPct = append(f.RoyaltyPct, x.BP(bp))
	}
	for _, m := range t.Milestones {
		f.Milestones = append(f.Milestones, milestoneRow{Name: m.Name, Deliverables: strings.Join(m.Deliverables, "\n"),
			AcceptanceCriteria: m.AcceptanceCriteria, AmountYuan: x.Yuan(m.AmountFen), DueDate: m.DueDate})
	}
	for _, li := range t.LineItems {
		f.LineItems = append(f.LineItems, lineItemRow{Description: li.Description, Kind: li.Kind, AmountYuan: x.Yuan(li.AmountFen)})
	}
	f.addBlankRows()
	return f
}

func itoaBlank(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (f *contractForm) addBlankRows() {
	for range blankRows {
		f.IPItems = append(f.IPItems, contractIPRow{})
		f.Milestones = append(f.Milestones, milestoneRow{})
		f.LineItems = append(f.LineItems, lineItemRow{})
		f.RoyaltyPct = append(f.RoyaltyPct, "")
	}
}

// options fills the selects in the reader's language, each with its value selected.
func (f *contractForm) options(lang string) {
	f.ContractTypes = dealOptions(lang, registration.ContractTypes, f.ContractType, true)
	f.SubTypes = []option{{Value: "", Label: "—", Selected: f.SubType == ""}}
	for _, t := range registration.ContractTypes {
		for _, st := range registration.SubTypes[t.Code] {
			f.SubTypes = append(f.SubTypes, option{Value: st.Code, Label: t.Label.In(lang) + " · " + st.Label.In(lang),
				Selected: st.Code == f.SubType})
		}
	}
	f.Exclusivities = dealOptions(lang, registration.Exclusivities, f.Exclusivity, true)
	f.PaymentModes = dealOptions(lang, registration.PaymentModes, f.PaymentMode, true)
	f.RoyaltyBases = dealOptions(lang, registration.RoyaltyBases, f.RoyaltyBase, true)
	f.RoyaltyRates = dealOptions(lang, registration.RoyaltyRates, f.RoyaltyRate, true)
	f.ImprovementRules = dealOptions(lang, deal.ImprovementRules, f.Improvements, true)
	f.DisputeMethods = dealOptions(lang, deal.DisputeMethods, f.DisputeMethod, true)
	for i := range f.IPItems {
		f.IPItems[i].Types = dealOptions(lang, domain.IPTypes, f.IPItems[i].Type, true)
	}
	for i := range f.LineItems {
		f.LineItems[i].Kinds = dealOptions(lang, registration.LineItemKinds, f.LineItems[i].Kind, true)
	}
}

// Of returns the messages beside the input named name.
func (f contractForm) Of(name string) []string { return f.Errs.Of(name) }

// Row names an input of a repeated group: Row "milestones" 1 "amount_yuan".
func (contractForm) Row(group string, i int, field string) string {
	if field == "" {
		return group + "." + strconv.Itoa(i)
	}
	return group + "." + strconv.Itoa(i) + "." + field
}

// Plus1 numbers rows from one.
func (contractForm) Plus1(i int) int { return i + 1 }

// readContractForm reads the posted typed form, dropping blank rows.
func readContractForm(r *http.Request) contractForm {
	v := func(k string) string { return r.PostFormValue(k) }
	f := contractForm{ContractType: v("contract_type"), SubType: v("sub_type"), Title: v("title"), Subject: v("subject"),
		PriceYuan: v("price_yuan"), Exclusivity: v("licence.exclusivity"), Territory: v("licence.territory"),
		Field: v("licence.field"), TermMonths: v("licence.term_months"), Sublicense: v("licence.sublicense") != "",
		PaymentMode: v("payment.mode"), EntryFeeYuan: v("payment.entry_fee_yuan"), RoyaltyBase: v("payment.royalty_base"),
		RoyaltyRate: v("payment.royalty_rate"), FreeUseMonths: v("payment.free_use_months"),
		BookInspection: v("payment.book_inspection") != "", ConfidentialityYears: v("confidentiality.years"),
		ConfidentialityScope: v("confidentiality.scope"), Improvements: v("improvements"), DisputeMethod: v("dispute.method"),
		DisputeForum: v("dispute.forum"), ValidFrom: v("valid_from"), ValidUntil: v("valid_until")}
	for _, i := range rowIndices(r, "ip_items") {
		row := contractIPRow{Type: v(f.Row("ip_items", i, "type")), Number: v(f.Row("ip_items", i, "number")),
			Title: v(f.Row("ip_items", i, "title")), Holder: v(f.Row("ip_items", i, "holder"))}
		if !blank(row.Type, row.Number, row.Title, row.Holder) {
			f.IPItems = append(f.IPItems, row)
		}
	}
	for _, i := range rowIndices(r, "payment.royalty_pct") {
		if s := v(f.Row("payment.royalty_pct", i, "")); !blank(s) {
			f.RoyaltyPct = append(f.RoyaltyPct, s)
		}
	}
	for _, i := range rowIndices(r, "milestones") {
		row := milestoneRow{Name: v(f.Row("milestones", i, "name")), Deliverables: v(f.Row("milestones", i, "deliverables")),
			AcceptanceCriteria: v(f.Row("milestones", i, "acceptance_criteria")), AmountYuan: v(f.Row("milestones", i, "amount_yuan")),
			DueDate: v(f.Row("milestones", i, "due_date"))}
		if !blank(row.Name, row.Deliverables, row.AcceptanceCriteria, row.AmountYuan, row.DueDate) {
			f.Milestones = append(f.Milestones, row)
		}
	}
	for _, i := range rowIndices(r, "line_items") {
		row := lineItemRow{Description: v(f.Row("line_items", i, "description")), Kind: v(f.Row("line_items", i, "kind")),
			AmountYuan: v(f.Row("line_items", i, "amount_yuan"))}
		if !blank(row.Description, row.Kind, row.AmountYuan) {
			f.LineItems = append(f.LineItems, row)
		}
	}
	return f
}

func blank(ss ...string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// maxContractRows bounds the rows read per group, so a crafted post cannot make the
// handler loop over huge indices.
const maxContractRows = 200

// rowIndices are the row numbers posted for a group, in order.
func rowIndices(r *http.Request, group string) []int {
	seen := map[int]bool{}
	for k := range r.PostForm {
		rest, ok := strings.CutPrefix(k, group+".")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(num); err == nil && i >= 0 && i < maxContractRows {
			seen[i] = true
		}
	}
	var out []int
	for i := range maxContractRows {
		if seen[i] {
			out = append(out, i)
		}
	}
	return out
}

// terms parses the (compacted) form into terms; what cannot be read is named
// in fe beside its input.
func (f contractForm) terms(lang string, fe *formErrors) deal.Terms {
	trim := strings.TrimSpace
	t := deal.Terms{ContractType: f.ContractType, SubType: f.SubType, Title: trim(f.Title), Subject: trim(f.Subject),
		PriceFen: parseYuanField(lang, f.PriceYuan, fe, "price_yuan"),
		Payment: deal.Payment{Mode: f.PaymentMode, EntryFeeFen: parseYuanField(lang, f.EntryFeeYuan, fe, "payment.entry_fee_yuan"),
			RoyaltyBase: f.RoyaltyBase, RoyaltyRate: f.RoyaltyRate,
			FreeUseMonths: parseIntField(lang, f.FreeUseMonths, fe, "payment.free_use_months"), BookInspection: f.BookInspection},
		Confidentiality: deal.Confidentiality{Years: parseIntField(lang, f.ConfidentialityYears, fe, "confidentiality.years"),
			Scope: trim(f.ConfidentialityScope)},
		Improvements: f.Improvements, Dispute: deal.Dispute{Method: f.DisputeMethod, Forum: trim(f.DisputeForum)},
		ValidFrom: trim(f.ValidFrom), ValidUntil: trim(f.ValidUntil)}
	if !blank(f.Exclusivity, f.Territory, f.Field, f.TermMonths) || f.Sublicense {
		t.Licence = &deal.LicenceScope{Exclusivity: f.Exclusivity, Territory: trim(f.Territory), Field: trim(f.Field),
			TermMonths: parseIntField(lang, f.TermMonths, fe, "licence.term_months"), Sublicense: f.Sublicense}
	}
	for _, it := range f.IPItems {
		t.IPItems = append(t.IPItems, deal.IPItem{Type: it.Type, Number: trim(it.Number), Title: trim(it.Title), Holder: trim(it.Holder)})
	}
	for i, s := range f.RoyaltyPct {
		// A percentage with up to two decimals is a whole number of basis points.
		bp, err := domain.ParseYuan(s)
		if err != nil {
			fe.add(f.Row("payment.royalty_pct", i, ""), tr(lang, "deal.err.percent"))
		}
		t.Payment.RoyaltyBPByYear = append(t.Payment.RoyaltyBPByYear, int64(bp))
	}
	for i, m := range f.Milestones {
		ms := deal.Milestone{Name: trim(m.Name), AcceptanceCriteria: trim(m.AcceptanceCriteria), DueDate: trim(m.DueDate),
			AmountFen: parseYuanField(lang, m.AmountYuan, fe, f.Row("milestones", i, "amount_yuan"))}
		for _, d := range strings.Split(m.Deliverables, "\n") {
			if d = trim(d); d != "" {
				ms.Deliverables = append(ms.Deliverables, d)
			}
		}
		t.Milestones = append(t.Milestones, ms)
	}
	for i, li := range f.LineItems {
		t.LineItems = append(t.LineItems, deal.LineItem{Description: trim(li.Description), Kind: li.Kind,
			AmountFen: parseYuanField(lang, li.AmountYuan, fe, f.Row("line_items", i, "amount_yuan"))})
	}
	return t
}

var termsIndex = regexp.MustCompile(`\[(\d+)\]`)

// inputOf maps a service field path onto the form's input name:
// "milestones[1].amount_fen" → "milestones.1.amount_yuan",
// "payment.royalty_bp_by_year[0]" → "payment.royalty_pct.0". ok is false for
// a path the form has no input for.
func (f contractForm) inputOf(path string) (string, bool) {
	name := termsIndex.ReplaceAllString(path, ".$1")
	name = strings.Replace(name, "payment.royalty_bp_by_year", "payment.royalty_pct", 1)
	name = strings.Replace(name, "_fen", "_yuan", 1)
	parts := strings.Split(name, ".")
	rows := map[string]int{"ip_items": len(f.IPItems), "milestones": len(f.Milestones), "line_items": len(f.LineItems)}
	switch {
	case contractInputs[name]:
		return name, true
	case len(parts) == 3 && parts[0] == "payment" && parts[1] == "royalty_pct":
		i, err := strconv.Atoi(parts[2])
		return name, err == nil && i < len(f.RoyaltyPct)
	case len(parts) == 3 && rowFields[parts[0]][parts[2]]:
		i, err := strconv.Atoi(parts[1])
		return name, err == nil && i < rows[parts[0]]
	}
	return "", false
}

// contractInputs are the form's inputs outside the rows, and the groups whose
// own errors (none given, sums) are shown above their table.
var contractInputs = map[string]bool{"contract_type": true, "sub_type": true, "title": true, "subject": true,
	"price_yuan": true, "ip_items": true, "licence": true, "licence.exclusivity": true, "licence.territory": true,
	"licence.field": true, "licence.term_months": true, "payment.mode": true, "payment.entry_fee_yuan": true,
	"payment.royalty_base": true, "payment.royalty_rate": true, "payment.royalty_pct": true,
	"payment.free_use_months": true, "milestones": true, "line_items": true, "confidentiality.years": true,
	"confidentiality.scope": true, "improvements": true, "dispute.method": true, "dispute.forum": true,
	"valid_from": true, "valid_until": true}

var rowFields = map[string]map[string]bool{
	"ip_items":   {"type": true, "number": true, "title": true, "holder": true},
	"milestones": {"name": true, "deliverables": true, "acceptance_criteria": true, "amount_yuan": true, "due_date": true},
	"line_items": {"description": true, "kind": true, "amount_yuan": true},
}

// contractFormErrors sorts the service's refusal onto the form's inputs;
// unknown paths and refusals without fields go to the top of the form.
func (f contractForm) contractFormErrors(lang string, err error) formErrors {
	fe := formErrors{By: map[string][]string{}}
	fields := apperr.FieldsOf(err)
	for _, e := range fields {
		if name, ok := f.inputOf(e.Field); ok {
			fe.add(name, localMessage(lang, e))
		} else {
			fe.General = append(fe.General, e.Field+": "+localMessage(lang, e))
		}
	}
	if len(fields) == 0 {
		fe = newFormErrors(lang, err, nil)
	}
	return fe
}

// draftContractTyped drafts the contract from the typed form: the same
// service call as the JSON path, with the refusal shown beside the inputs.
func (s *site) draftContractTyped(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	lang := reqctx.Lang(r.Context())
	f := readContractForm(r)
	fe := formErrors{By: map[string][]string{}}
	t := f.terms(lang, &fe)
	status := http.StatusUnprocessableEntity
	if !fe.Any() {
		_, err := s.app.Deals.DraftContract(r.Context(), actor, r.PathValue("id"), t)
		if err == nil {
			http.Redirect(w, r, "/deals/"+r.PathValue("id")+"?done=drafted", http.StatusSeeOther)
			return nil
		}
		if !isUserError(err) {
			return err
		}
		fe, status = f.contractFormErrors(lang, err), userErrorStatus(err)
	}
	f.Errs = fe
	f.addBlankRows()
	return s.renderRoom(w, r, status, func(p *dealRoomPage) {
		p.ContractForm = f
		if !p.CanDraft { // the deal moved on (concluded, withdrawn): the form is gone, say why at the top
			p.ActionErrors = formErrors{By: map[string][]string{}, General: append(fe.General, flatten(fe.By)...)}
		}
	})
}

func flatten(by map[string][]string) []string {
	var out []string
	for _, ms := range by {
		out = append(out, ms...)
	}
	return out
}
