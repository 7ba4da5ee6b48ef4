package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// field is one form control as the "field" template draws it: label, control,
// hint and the field's own error messages right beside it.
type field struct {
	Control     string // input, textarea, select, checkbox, checkboxes, money
	Name        string
	ID          string
	Label       string
	Hint        string
	Type        string // for input: text, date, number, email, password
	Value       string
	Checked     bool
	Required    bool
	Placeholder string
	List        string // id of a <datalist>
	Min, Max    string
	MaxLength   int
	Rows        int
	Options     []option
	Unit        *field // the unit select beside a money amount
	Errors      []string
}

// DescribedBy lists the ids of the hint and error texts for aria-describedby.
func (f field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if len(f.Errors) > 0 {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

type option struct {
	Value, Label string
	Selected     bool
}

// errorSummaryItem is one line of the summary at the top of a form with errors.
type errorSummaryItem struct {
	Label   string
	Message string
	Anchor  string // id of the control to jump to; empty when there is none
}

// fieldErrors holds a form's field errors by API field name, in the request's language.
type fieldErrors struct {
	lang   string
	all    []apperr.FieldError
	byName map[string][]string
}

func newFieldErrors(lang string, errs []apperr.FieldError) fieldErrors {
	fe := fieldErrors{lang: lang, all: errs, byName: map[string][]string{}}
	for _, e := range errs {
		fe.byName[e.Field] = append(fe.byName[e.Field], localMessage(lang, e))
	}
	return fe
}

func localMessage(lang string, e apperr.FieldError) string {
	if lang == "zh" && e.MessageZh != "" {
		return e.MessageZh
	}
	return e.Message
}

// of returns the messages for a field name and, for list fields, for its
// elements ("ipc_codes" also collects "ipc_codes[2]").
func (fe fieldErrors) of(name string, withElements bool) []string {
	out := append([]string(nil), fe.byName[name]...)
	if withElements {
		for _, e := range fe.all {
			if strings.HasPrefix(e.Field, name+"[") {
				out = append(out, localMessage(fe.lang, e))
			}
		}
	}
	return out
}

// formBuilder makes the fields of one form and remembers which control shows
// which error, for the summary's links.
type formBuilder struct {
	lang    string
	errs    fieldErrors
	anchors map[string]field // API field name → control
}

func newFormBuilder(lang string, errs []apperr.FieldError) *formBuilder {
	return &formBuilder{lang: lang, errs: newFieldErrors(lang, errs), anchors: map[string]field{}}
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// controlID turns a form name like "ip_items[2].number" into a safe element id.
func controlID(name string) string {
	return "f-" + strings.Trim(idUnsafe.ReplaceAllString(name, "-"), "-")
}

// make builds a control named name whose errors are reported under errName
// (the API field name; usually the same).
func (b *formBuilder) make(control, name, errName, label, value string) field {
	f := field{Control: control, Name: name, ID: controlID(name), Label: label, Value: value, Type: "text"}
	list := control == "checkboxes" || name == "ipc_codes"
	f.Errors = b.errs.of(errName, list)
	b.anchors[errName] = f
	return f
}

// text, area and selectOf are the common shapes, labelled from the catalog
// message "f.<errName>".
func (b *formBuilder) text(name, value string) field {
	return b.make("input", name, name, tr(b.lang, "f."+name), value)
}

func (b *formBuilder) area(name, value string, rows int) field {
	f := b.make("textarea", name, name, tr(b.lang, "f."+name), value)
	f.Rows = rows
	return f
}

func (b *formBuilder) selectOf(name, value string, opts []option) field {
	f := b.make("select", name, name, tr(b.lang, "f."+name), value)
	f.Options = markSelected(opts, value)
	return f
}

func (b *formBuilder) money(name, errName, value, unitName, unit string) field {
	f := b.make("money", name, errName, tr(b.lang, "f."+errName), value)
	f.Type = "text"
	f.Placeholder = "0.00"
	u := field{Control: "select", Name: unitName, ID: controlID(unitName), Label: tr(b.lang, "f.unit"),
		Options: markSelected([]option{{Value: unitWan, Label: tr(b.lang, "unit.wan")}, {Value: unitYuan, Label: tr(b.lang, "unit.yuan")}}, unit)}
	f.Unit = &u
	return f
}

func markSelected(opts []option, value string) []option {
	out := make([]option, len(opts))
	for i, o := range opts {
		o.Selected = o.Value == value
		out[i] = o
	}
	return out
}

// codeOptions lists a code list in a language, optionally after an empty choice.
func codeOptions(lang string, list domain.CodeList, empty string) []option {
	var out []option
	if empty != "" {
		out = append(out, option{Value: "", Label: empty})
	}
	for _, c := range list {
		out = append(out, option{Value: c.Code, Label: c.Label.In(lang)})
	}
	return out
}

// trlOptions lists TRL 1–9 with their definitions, so choosing one explains it.
func trlOptions(lang, empty string) []option {
	out := []option{{Value: "", Label: empty}}
	for n := 1; n <= 9; n++ {
		out = append(out, option{Value: strconv.Itoa(n), Label: fmt.Sprintf("%d · %s", n, domain.TRLLabel(n).In(lang))})
	}
	return out
}

// summary lists every error with the label of its control, in the order the
// service reported them; errors of fields without a control still appear.
func (b *formBuilder) summary() []errorSummaryItem {
	var out []errorSummaryItem
	for _, e := range b.errs.all {
		item := errorSummaryItem{Label: e.Field, Message: localMessage(b.lang, e)}
		name := e.Field
		if _, ok := b.anchors[name]; !ok {
			if i := strings.IndexByte(name, '['); i > 0 { // "ipc_codes[1]" → "ipc_codes"
				if _, ok := b.anchors[name[:i]]; ok {
					name = name[:i]
				}
			}
		}
		if f, ok := b.anchors[name]; ok {
			item.Label, item.Anchor = f.Label, f.ID
		}
		out = append(out, item)
	}
	return out
}
