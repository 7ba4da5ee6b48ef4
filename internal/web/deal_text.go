package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
)

// dealText gives the deal, auction, challenge and venue pages their labels and
// formats; the page types embed it so that templates can write
// {{$d.When $v.Lang .CreatedAt}} without new global template functions.
type dealText struct{}

var chinaTime = time.FixedZone("CST", 8*3600)

// When writes an instant in China time, to the minute.
func (dealText) When(lang string, v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		t = *x
	}
	if t.IsZero() {
		return "—"
	}
	if lang == "en" {
		return t.In(chinaTime).Format("2 Jan 2006 15:04:05") + " CST"
	}
	return t.In(chinaTime).Format("2006年1月2日 15:04:05")
}

// ISO is an instant for machines (data attributes, <time datetime>).
func (dealText) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Money writes fen in the reader's convention (see money).
func (dealText) Money(lang string, v any) string {
	switch x := v.(type) {
	case *domain.Fen:
		if x == nil {
			return "—"
		}
		return money(lang, *x)
	}
	return money(lang, v)
}

// BP writes basis points as a percentage number ("2.5").
func (dealText) BP(bp int64) string { return formatBP(int(bp)) }

// Sides are the two sides of a deal, seller first.
func (dealText) Sides() []string { return []string{deal.SideSeller, deal.SideBuyer} }

// Yuan writes fen as a plain decimal for a form field.
func (dealText) Yuan(f domain.Fen) string {
	if f == 0 {
		return ""
	}
	return strings.ReplaceAll(strings.TrimSuffix(f.Yuan(), ".00"), ",", "")
}

// Pick returns en in English when it is not empty, else zh.
func (dealText) Pick(lang, en, zh string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

// In writes a bilingual label.
func (dealText) In(lang string, l domain.Label) string { return l.In(lang) }

// Label names a code of one of the deal code lists.
func (dealText) Label(lang, list, code string) string {
	if code == "" {
		return "—"
	}
	var l domain.CodeList
	switch list {
	case "state":
		l = deal.States
	case "sale_state":
		l = deal.SaleStates
	case "challenge_state":
		l = deal.ChallengeStates
	case "method":
		l = rules.Methods
	case "contract_type":
		l = registration.ContractTypes
	case "payment":
		l = registration.PaymentModes
	case "exclusivity":
		l = registration.Exclusivities
	case "feedback":
		l = deal.FeedbackReasons
	default:
		return tr(lang, "deal."+list+"."+code)
	}
	return l.Label(code).In(lang)
}

// Period writes a rule-set period in a language.
func (dealText) Period(lang string, p rules.Period) string {
	if p.Days == 0 {
		return tr(lang, "venue.none")
	}
	return p.Label().In(lang)
}

// Rate writes a fee or deposit rule: "1% (min ¥1,000, cap ¥50,000)".
func (dealText) Rate(lang string, r rules.Rate) string {
	if r.None() {
		return tr(lang, "venue.none")
	}
	s := formatBP(int(r.RateBP)) + "%"
	var parts []string
	if r.MinFen > 0 {
		parts = append(parts, tr(lang, "venue.min", money(lang, r.MinFen)))
	}
	if r.CapFen > 0 {
		parts = append(parts, tr(lang, "venue.cap", money(lang, r.CapFen)))
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// Methods writes a list of trading methods.
func (t dealText) Methods(lang string, ms []rules.Method) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = t.Label(lang, "method", string(m))
	}
	sep := "、"
	if lang == "en" {
		sep = ", "
	}
	return strings.Join(out, sep)
}

// Reason writes a refusal or field error in the reader's language.
func (dealText) Reason(lang string, r rules.Refusal) string {
	if lang == "en" {
		return r.En
	}
	return r.Zh
}

// dealOptions turns a code list into select options with one selected.
func dealOptions(lang string, l domain.CodeList, selected string, blank bool) []option {
	var out []option
	if blank {
		out = append(out, option{Value: "", Label: "—", Selected: selected == ""})
	}
	for _, c := range l {
		out = append(out, option{Value: c.Code, Label: c.Label.In(lang), Selected: c.Code == selected})
	}
	return out
}

// formErrors are the messages of a posted form by field name, in the reader's
// language, plus the messages that name no field of the form.
type formErrors struct {
	By      map[string][]string
	General []string
}

func (fe formErrors) Any() bool { return len(fe.By) > 0 || len(fe.General) > 0 }

// Of returns the messages for a form field.
func (fe formErrors) Of(name string) []string { return fe.By[name] }

// newFormErrors sorts err's field errors onto the form's fields: rename maps a
// service field name (terms.price_fen) to the form's (price_yuan); a field the
// form does not have, or an error without fields, becomes a general message.
// The refusal reason of a trading step is used when there is no field error.
func newFormErrors(lang string, err error, formFields map[string]string) formErrors {
	fe := formErrors{By: map[string][]string{}}
	fields := apperr.FieldsOf(err)
	for _, f := range fields {
		msg := localMessage(lang, f)
		if name, ok := formFields[f.Field]; ok {
			fe.By[name] = append(fe.By[name], msg)
		} else {
			fe.General = append(fe.General, msg)
		}
	}
	if len(fields) == 0 {
		if r, ok := deal.ReasonOf(err); ok {
			fe.General = append(fe.General, dealText{}.Reason(lang, *r))
		} else {
			fe.General = append(fe.General, apperr.SafeMessage(err))
		}
	}
	return fe
}

func (fe *formErrors) add(name, msg string) { fe.By[name] = append(fe.By[name], msg) }

// isUserError says whether err should be shown on the form rather than as an
// error page: bad input and refused trading steps.
func isUserError(err error) bool {
	if _, ok := deal.ReasonOf(err); ok && apperr.KindOf(err) != apperr.Forbidden && apperr.KindOf(err) != apperr.NotFound {
		return true
	}
	return apperr.KindOf(err) == apperr.Invalid
}

// userErrorStatus is the status of a page shown again with errors.
func userErrorStatus(err error) int {
	if apperr.KindOf(err) == apperr.Invalid {
		return 422
	}
	return apperr.HTTPStatus(apperr.KindOf(err))
}

// parseYuanField parses an optional amount in yuan for a form field.
func parseYuanField(lang, raw string, fe *formErrors, name string) domain.Fen {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0
	}
	f, err := domain.ParseYuan(raw)
	if err != nil {
		fe.add(name, tr(lang, "deal.err.amount"))
	}
	return f
}

// parseIntField parses an optional whole number for a form field.
func parseIntField(lang, raw string, fe *formErrors, name string) int {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0
	}
	var n int
	if _, err := fmt.Sscanf(raw, "%d", &n); err != nil || fmt.Sprint(n) != raw {
		fe.add(name, tr(lang, "deal.err.number"))
	}
	return n
}
