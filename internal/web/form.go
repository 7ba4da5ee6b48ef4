package web

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
)

// Money units the forms accept. Chinese listings quote prices in 万元; both are
// converted to fen exactly, never through a float.
const (
	unitWan  = "wan"  // 万元 = 10,000 yuan
	unitYuan = "yuan" // 元
)

// listingForm is the publish/edit form exactly as typed, so that a form with
// errors comes back with every value the user entered, even unparsable ones.
// Input names are the API's JSON names where one exists, so that the field
// errors of listing.Input.Validate land beside the right input.
type listingForm struct {
	Kind    string
	OrgID   string
	Version string

	TitleZh, TitleEn     string
	SummaryZh, SummaryEn string
	DetailZh, DetailEn   string

	Field       string
	IPCCodes    string // several codes separated by commas, semicolons or new lines
	TRL         string
	TRLEvidence string

	TransferModes []string
	PriceType     string
	Price         string
	PriceUnit     string
	RegionCode    string
	StateOwned    bool

	BudgetMin, BudgetMinUnit string
	BudgetMax, BudgetMaxUnit string
	RequiredTRL              string
	Deadline                 string
	ValidityMonths           string

	IPItems []ipRow
	Owners  []ownerRow
}

type ipRow struct{ Type, Number, Title, Status, Territory, ExpiryDate string }

func (r ipRow) blank() bool {
	return r.Type == "" && r.Number == "" && r.Title == "" && r.ExpiryDate == ""
}

type ownerRow struct{ Name, SharePct, OrgID string }

func (r ownerRow) blank() bool { return r.Name == "" && r.SharePct == "" }

// maxRows bounds repeated rows taken from one form.
const maxRows = 100

var rowKey = regexp.MustCompile(`^(ip_items|owners)\[(\d{1,3})\]\.(\w+)$`)

// readListingForm takes the form values; rows left entirely empty are dropped,
// which is also how a user removes a row without JavaScript.
func readListingForm(v url.Values) listingForm {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := listingForm{
		Kind: get("kind"), OrgID: get("org_id"), Version: get("version"),
		TitleZh: get("title_zh"), TitleEn: get("title_en"),
		SummaryZh: get("summary_zh"), SummaryEn: get("summary_en"),
		DetailZh: get("detail_zh"), DetailEn: get("detail_en"),
		Field: get("field"), IPCCodes: get("ipc_codes"), TRL: get("trl"), TRLEvidence: get("trl_evidence"),
		PriceType: get("price_type"), Price: get("price"), PriceUnit: get("price_unit"),
		RegionCode: get("region_code"), StateOwned: v.Get("state_owned") != "",
		BudgetMin: get("budget_min"), BudgetMinUnit: get("budget_min_unit"),
		BudgetMax: get("budget_max"), BudgetMaxUnit: get("budget_max_unit"),
		RequiredTRL: get("required_trl"), Deadline: get("deadline"), ValidityMonths: get("validity_months"),
	}
	for _, m := range v["transfer_modes"] {
		if m = strings.TrimSpace(m); m != "" {
			f.TransferModes = append(f.TransferModes, m)
		}
	}
	ips := map[int]*ipRow{}
	owners := map[int]*ownerRow{}
	for key, vals := range v {
		m := rowKey.FindStringSubmatch(key)
		if m == nil || len(vals) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		if i >= maxRows {
			continue
		}
		val := strings.TrimSpace(vals[0])
		if m[1] == "ip_items" {
			r := ips[i]
			if r == nil {
				r = &ipRow{}
				ips[i] = r
			}
			switch m[3] {
			case "type":
				r.Type = val
			case "number":
				r.Number = val
			case "title":
				r.Title = val
			case "status":
				r.Status = val
			case "territory":
				r.Territory = strings.ToUpper(val)
			case "expiry_date":
				r.ExpiryDate = val
			}
		} else {
			r := owners[i]
			if r == nil {
				r = &ownerRow{}
				owners[i] = r
			}
			switch m[3] {
			case "name":
				r.Name = val
			case "share_pct":
				r.SharePct = val
			case "org_id":
				r.OrgID = val
			}
		}
	}
	for _, i := range sortedKeys(ips) {
		if r := ips[i]; !r.blank() {
			f.IPItems = append(f.IPItems, *r)
		}
	}
	for _, i := range sortedKeys(owners) {
		if r := owners[i]; !r.blank() {
			f.Owners = append(f.Owners, *r)
		}
	}
	return f
}

func sortedKeys[T any](m map[int]T) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// input converts the typed form into a listing.Input. Values that cannot be
// converted (a price of "abc", a share with three decimals) are reported as field
// errors under the API field name and left at their zero value.
func (f listingForm) input() (listing.Input, apperr.FieldList) {
	var errs apperr.FieldList
	in := listing.Input{
		Kind: f.Kind, TitleZh: f.TitleZh, TitleEn: f.TitleEn, SummaryZh: f.SummaryZh, SummaryEn: f.SummaryEn,
		DetailZh: f.DetailZh, DetailEn: f.DetailEn, Field: f.Field, TRLEvidence: f.TRLEvidence,
		TransferModes: f.TransferModes, PriceType: f.PriceType, RegionCode: f.RegionCode, StateOwned: f.StateOwned,
		Deadline: f.Deadline, IPCCodes: splitCodes(f.IPCCodes),
	}
	if in.PriceType == "" {
		in.PriceType = "negotiable"
	}
	if f.TRL != "" {
		n, err := strconv.Atoi(f.TRL)
		if err != nil {
			errs.Add("trl", "invalid", "choose a TRL from 1 to 9", "请选择1至9级技术成熟度")
		}
		in.TRL = n
	}
	if f.RequiredTRL != "" {
		n, err := strconv.Atoi(f.RequiredTRL)
		if err != nil {
			errs.Add("required_trl", "invalid", "choose a TRL from 1 to 9", "请选择1至9级技术成熟度")
		} else {
			in.RequiredTRL = &n
		}
	}
	in.ValidityMonths = 12
	if f.ValidityMonths != "" {
		n, err := strconv.Atoi(f.ValidityMonths)
		if err != nil {
			errs.Add("validity_months", "invalid", "enter a whole number of months", "请填写整数月数")
		}
		in.ValidityMonths = n
	}
	in.PriceFen = amountField(&errs, "price_fen", f.Price, f.PriceUnit)
	in.BudgetMinFen = amountField(&errs, "budget_min_fen", f.BudgetMin, f.BudgetMinUnit)
	in.BudgetMaxFen = amountField(&errs, "budget_max_fen", f.BudgetMax, f.BudgetMaxUnit)
	for _, r := range f.IPItems {
		in.IPItems = append(in.IPItems, listing.IPItem{Type: r.Type, Number: r.Number, Title: r.Title,
			Status: r.Status, Territory: r.Territory, ExpiryDate: r.ExpiryDate})
	}
	for i, r := range f.Owners {
		bp, err := parsePercentBP(r.SharePct)
		if err != nil {
			errs.Add(fmt.Sprintf("owners[%d].share_bp", i), "invalid",
				"enter the share as a percentage with at most two decimals, e.g. 33.33",
				"请以百分比填写份额，最多两位小数，如 33.33")
		}
		in.Owners = append(in.Owners, listing.Owner{Name: r.Name, OrgID: r.OrgID, ShareBP: bp})
	}
	return in, errs
}

func amountField(errs *apperr.FieldList, field, value, unit string) *int64 {
	if value == "" {
		return nil
	}
	fen, err := parseAmount(value, unit)
	if err != nil {
		errs.Add(field, "invalid",
			"enter an amount such as 120 or 12.5 (at most 2 decimals in yuan, 6 in 10,000 yuan)",
			"请填写金额，如 120 或 12.5（以元计最多两位小数，以万元计最多六位小数）")
		return nil
	}
	v := int64(fen)
	return &v
}

// splitCodes splits a list of IPC codes typed with commas (ASCII or Chinese),
// semicolons or new lines, upper-cased as the listing service stores them. Spaces stay: they belong inside codes like "G06F 16/35".
func splitCodes(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '\n' || r == '\r' || r == '、'
	})
	var out []string
	for _, p := range parts {
		if p = strings.ToUpper(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseAmount converts an amount typed in yuan or 万元 into fen exactly: 万元 are
// turned into yuan by moving the decimal point four places in the text, then
// domain.ParseYuan does the exact conversion (and refuses more than two decimals
// of yuan, so 万元 take up to six). Negative amounts are refused.
func parseAmount(s, unit string) (domain.Fen, error) {
	s = strings.NewReplacer(",", "", "，", "", " ", "", "¥", "", "￥", "").Replace(strings.TrimSpace(s))
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("negative amount")
	}
	if unit != unitYuan {
		var err error
		if s, err = shiftDecimal(s, 4); err != nil {
			return 0, err
		}
	}
	return domain.ParseYuan(s)
}

// shiftDecimal multiplies a decimal number written as text by 10^n without
// arithmetic, so no precision is ever lost: "12.5" shifted by 4 is "125000".
func shiftDecimal(s string, n int) (string, error) {
	if strings.Count(s, ".") > 1 || s == "" || s == "." {
		return "", fmt.Errorf("not a number")
	}
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < n {
		frac += "0"
	}
	whole, frac = whole+frac[:n], frac[n:]
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if frac == "" {
		return whole, nil
	}
	return whole + "." + frac, nil
}

// formatAmount writes fen in a unit exactly, without trailing zeros: the inverse
// of parseAmount, used to fill the edit form.
func formatAmount(fen int64, unit string) string {
	scale, decimals := int64(100), 2
	if unit == unitWan {
		scale, decimals = 1_000_000, 6
	}
	whole, frac := fen/scale, fen%scale
	if frac == 0 {
		return strconv.FormatInt(whole, 10)
	}
	f := strings.TrimRight(fmt.Sprintf("%0*d", decimals, frac), "0")
	return strconv.FormatInt(whole, 10) + "." + f
}

// unitFor picks the unit an amount is shown in on the edit form: 万元 from
// 10,000 yuan up, as Chinese listings quote them, yuan below.
func unitFor(fen *int64) string {
	if fen != nil && *fen < 1_000_000 {
		return unitYuan
	}
	return unitWan
}

// parsePercentBP converts a percentage with at most two decimals into basis
// points exactly ("33.33" → 3333). A percentage with two decimals is an integer
// number of hundredths, the same fixed-point rule as yuan to fen, so
// domain.ParseYuan does the exact conversion.
func parsePercentBP(s string) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, fmt.Errorf("empty share")
	}
	v, err := domain.ParseYuan(s)
	if err != nil {
		return 0, err
	}
	if v > 1_000_000 { // far above 100%; keeps the int conversion safe
		return 0, fmt.Errorf("share too large")
	}
	return int(v), nil
}

// formatBP writes basis points as a percentage without trailing zeros.
func formatBP(bp int) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formFromListing fills the edit form from a stored listing.
func formFromListing(l listing.Listing) listingForm {
	f := listingForm{
		Kind: l.Kind, OrgID: l.OwnerOrgID, Version: strconv.Itoa(l.Version),
		TitleZh: l.TitleZh, TitleEn: l.TitleEn, SummaryZh: l.SummaryZh, SummaryEn: l.SummaryEn,
		DetailZh: l.DetailZh, DetailEn: l.DetailEn, Field: l.Field, IPCCodes: strings.Join(l.IPCCodes, ", "),
		TRLEvidence: l.TRLEvidence, TransferModes: l.TransferModes, PriceType: l.PriceType,
		RegionCode: l.RegionCode, StateOwned: l.StateOwned, Deadline: l.Deadline,
		ValidityMonths: strconv.Itoa(l.ValidityMonths),
		PriceUnit:      unitFor(l.PriceFen), BudgetMinUnit: unitFor(l.BudgetMinFen), BudgetMaxUnit: unitFor(l.BudgetMaxFen),
	}
	if l.TRL > 0 {
		f.TRL = strconv.Itoa(l.TRL)
	}
	if l.RequiredTRL != nil {
		f.RequiredTRL = strconv.Itoa(*l.RequiredTRL)
	}
	if l.PriceFen != nil {
		f.Price = formatAmount(*l.PriceFen, f.PriceUnit)
	}
	if l.BudgetMinFen != nil {
		f.BudgetMin = formatAmount(*l.BudgetMinFen, f.BudgetMinUnit)
	}
	if l.BudgetMaxFen != nil {
		f.BudgetMax = formatAmount(*l.BudgetMaxFen, f.BudgetMaxUnit)
	}
	for _, it := range l.IPItems {
		f.IPItems = append(f.IPItems, ipRow{Type: it.Type, Number: it.Number, Title: it.Title, Status: it.Status,
			Territory: it.Territory, ExpiryDate: it.ExpiryDate})
	}
	for _, o := range l.Owners {
		f.Owners = append(f.Owners, ownerRow{Name: o.Name, SharePct: formatBP(o.ShareBP), OrgID: o.OrgID})
	}
	return f
}

// newListingFormFor is the empty form for a kind, with the defaults preselected.
func newListingFormFor(kind, orgID string) listingForm {
	return listingForm{Kind: kind, OrgID: orgID, PriceType: "negotiable", PriceUnit: unitWan,
		BudgetMinUnit: unitWan, BudgetMaxUnit: unitWan, ValidityMonths: "12"}
}
