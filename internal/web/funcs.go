package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
)

// funcs are the template functions. Those that depend on the language take it
// as their first argument ({{t $.Lang "nav.home"}}), so templates are parsed once
// and shared by every request.
func (s *site) funcs() template.FuncMap {
	return template.FuncMap{
		"t": tr,
		// profileOrgs: the organisations whose profile the signed-in user may edit, once each.
		"profileOrgs": profileOrgs,
		"label":       label,
		"trl":         func(lang string, n int) string { return domain.TRLLabel(n).In(lang) },
		"money":       money,
		"price":       priceText,
		"date":        date,
		"isoTime":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"province":    provinceName,
		"excerpt":     excerpt,
		"paragraphs":  paragraphs,
		"percent":     formatBP,
		"join":        strings.Join,
		"deref":       func(p *int) int { return *p },
		"sub":         func(a, b int) int { return a - b },
		"dict":        dict,
		"selected":    markSelected,
		"statusClass": statusClass,
		"asset":       s.assets.URL,
	}
}

// codeLists are the domain code lists templates label by name.
var codeLists = map[string]domain.CodeList{
	"kind":       domain.ListingKinds,
	"status":     domain.ListingStatuses,
	"field":      domain.TechFields,
	"mode":       domain.TransferModes,
	"price_type": domain.PriceTypes,
	"ip_type":    domain.IPTypes,
	"ip_status":  domain.IPStatuses,
	"org_type":   domain.OrgTypes,
	"role":       domain.Roles,
}

// label names a code of a domain code list in a language: {{label $.Lang "field" "EI"}}.
func label(lang, list, code string) string {
	l, ok := codeLists[list]
	if !ok {
		return code
	}
	return l.Label(code).In(lang)
}

func provinceName(lang, region string) string {
	if p, ok := domain.ProvinceOf(region); ok {
		return p.Label.In(lang)
	}
	return region
}

// money writes an amount of fen the way readers expect: Chinese in 万元 from
// 10,000 yuan up (rounded to 0.01 万元 for display only), English in yuan.
func money(lang string, v any) string {
	var fen domain.Fen
	switch x := v.(type) {
	case domain.Fen:
		fen = x
	case int64:
		fen = domain.Fen(x)
	case *int64:
		if x == nil {
			return ""
		}
		fen = domain.Fen(*x)
	default:
		return fmt.Sprint(v)
	}
	if lang == "zh" {
		if fen >= 1_000_000 || fen <= -1_000_000 {
			return fen.Wan() + " 万元"
		}
		return strings.TrimSuffix(fen.Yuan(), ".00") + " 元"
	}
	return "¥" + strings.TrimSuffix(fen.Yuan(), ".00")
}

// priceText is the one-line price of a listing: the price and how firm it is
// for a technology, the budget range for a need.
func priceText(lang string, l listing.Listing) string {
	if l.Kind == listing.KindNeed {
		switch {
		case l.BudgetMinFen != nil && l.BudgetMaxFen != nil:
			return money(lang, l.BudgetMinFen) + " – " + money(lang, l.BudgetMaxFen)
		case l.BudgetMinFen != nil:
			return tr(lang, "listing.budget_from", money(lang, l.BudgetMinFen))
		case l.BudgetMaxFen != nil:
			return tr(lang, "listing.budget_upto", money(lang, l.BudgetMaxFen))
		}
		return tr(lang, "listing.budget_open")
	}
	if l.PriceFen == nil || l.PriceType == "negotiable" {
		return label(lang, "price_type", "negotiable")
	}
	return money(lang, l.PriceFen) + " · " + label(lang, "price_type", l.PriceType)
}

// date writes a day: time values (stored in UTC) and YYYY-MM-DD strings.
func date(lang string, v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		t = *x
	case string:
		if x == "" {
			return "—"
		}
		p, err := time.Parse("2006-01-02", x)
		if err != nil {
			return x
		}
		t = p
	default:
		return fmt.Sprint(v)
	}
	if t.IsZero() {
		return "—"
	}
	if lang == "zh" {
		return t.UTC().Format("2006年1月2日")
	}
	return t.UTC().Format("2 Jan 2006")
}

// excerpt shortens text to n characters (not bytes) on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n])) + "…"
}

// paragraphs turns plain text into paragraphs: blank lines separate paragraphs,
// single new lines become line breaks. Every piece is HTML-escaped here, which is
// what makes returning template.HTML safe.
func paragraphs(s string) template.HTML {
	var b strings.Builder
	for _, block := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		block = strings.TrimSpace(block)
		if block == "" {
			continue
		}
		lines := strings.Split(block, "\n")
		for i, l := range lines {
			lines[i] = template.HTMLEscapeString(l)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>")
	}
	return template.HTML(b.String())
}

// dict builds a map from key/value pairs, to pass several values to a partial.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs key/value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// statusClass is the CSS modifier of a listing status badge.
func statusClass(status string) string {
	switch status {
	case listing.StatusPublished:
		return "ok"
	case listing.StatusSubmitted:
		return "wait"
	case listing.StatusRejected:
		return "bad"
	case listing.StatusDraft:
		return "draft"
	}
	return "off" // expired, withdrawn
}

// profileOrgs lists, once each, the actor's own organisations whose public
// profile it may edit (the rule is identity.CanEditProfile's).
func profileOrgs(a domain.Actor) []domain.OrgRole {
	var out []domain.OrgRole
	seen := map[string]bool{}
	for _, r := range a.Roles {
		if !seen[r.OrgID] && identity.CanEditProfile(a, r.OrgID) {
			seen[r.OrgID] = true
			out = append(out, r)
		}
	}
	return out
}
