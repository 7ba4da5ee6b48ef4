package web

import (
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
)

func TestParseAmountIsExact(t *testing.T) {
	cases := []struct {
		in, unit string
		want     domain.Fen
	}{
		{"12.5", unitWan, 12_500_000},
		{"0.000001", unitWan, 1}, // one fen
		{"1,234.567891", unitWan, 1_234_567_891},
		{"150", unitWan, 150_000_000},
		{"3000", unitYuan, 300_000},
		{"0.01", unitYuan, 1},
		{"¥ 1,000.5", unitYuan, 100_050},
	}
	for _, c := range cases {
		got, err := parseAmount(c.in, c.unit)
		if err != nil || got != c.want {
			t.Errorf("parseAmount(%q, %s) = %d, %v; want %d", c.in, c.unit, got, err, c.want)
		}
	}
	for _, bad := range []struct{ in, unit string }{
		{"0.0000001", unitWan}, {"1.234", unitYuan}, {"-5", unitWan}, {"1e5", unitYuan}, {"12.5.3", unitWan},
		{"abc", unitWan}, {".", unitWan}, {"１２", unitYuan}, {"99999999999999999999", unitWan},
	} {
		if v, err := parseAmount(bad.in, bad.unit); err == nil {
			t.Errorf("parseAmount(%q, %s) accepted as %d", bad.in, bad.unit, v)
		}
	}
}

func TestFormatAmountRoundTrips(t *testing.T) {
	for _, fen := range []int64{0, 1, 99, 100, 12_500_000, 1_234_567_891, 150_000_000, 999_999} {
		for _, unit := range []string{unitWan, unitYuan} {
			s := formatAmount(fen, unit)
			back, err := parseAmount(s, unit)
			if err != nil || int64(back) != fen {
				t.Errorf("%d fen in %s = %q, parsed back as %d (%v)", fen, unit, s, back, err)
			}
		}
	}
	if got := formatAmount(12_500_000, unitWan); got != "12.5" {
		t.Errorf("12.5 万元 formatted as %q", got)
	}
	one := int64(500_000)
	big := int64(1_000_000)
	if unitFor(&one) != unitYuan || unitFor(&big) != unitWan || unitFor(nil) != unitWan {
		t.Error("unitFor picks the wrong unit")
	}
}

func TestPercentToBasisPoints(t *testing.T) {
	for in, want := range map[string]int{"33.33": 3333, "50": 5000, "100%": 10000, "0.01": 1, " 66.67 % ": 6667} {
		got, err := parsePercentBP(in)
		if err != nil || got != want {
			t.Errorf("parsePercentBP(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"33.333", "", "abc", "1e2", "99999999"} {
		if v, err := parsePercentBP(bad); err == nil {
			t.Errorf("parsePercentBP(%q) accepted as %d", bad, v)
		}
	}
	for bp, want := range map[int]string{3333: "33.33", 5000: "50", 1: "0.01", 6670: "66.7", 10000: "100"} {
		if got := formatBP(bp); got != want {
			t.Errorf("formatBP(%d) = %q, want %q", bp, got, want)
		}
	}
}

func TestReadListingFormKeepsRowsInOrderAndDropsEmptyOnes(t *testing.T) {
	v := url.Values{
		"kind": {"achievement"}, "ipc_codes": {"g06f 16/35，H01M; a01b\nB82Y"},
		"ip_items[10].number": {"N10"}, "ip_items[10].type": {"utility_model"},
		"ip_items[2].number": {"N2"}, "ip_items[2].type": {"invention_patent"},
		"ip_items[5].number": {""}, "ip_items[5].type": {""}, "ip_items[5].territory": {"CN"}, // empty row
		"ip_items[999].number": {"too far"},
		"owners[1].name":       {"B"}, "owners[1].share_pct": {"40"}, "owners[0].name": {"A"}, "owners[0].share_pct": {"60"},
		"transfer_modes": {"transfer", " ", "service"},
	}
	f := readListingForm(v)
	if len(f.IPItems) != 2 || f.IPItems[0].Number != "N2" || f.IPItems[1].Number != "N10" {
		t.Fatalf("IP rows: %+v", f.IPItems)
	}
	if len(f.Owners) != 2 || f.Owners[0].Name != "A" {
		t.Fatalf("owner rows: %+v", f.Owners)
	}
	in, errs := f.input()
	if len(errs) != 0 {
		t.Fatalf("conversion errors: %v", errs)
	}
	if strings.Join(in.IPCCodes, "|") != "G06F 16/35|H01M|A01B|B82Y" {
		t.Errorf("IPC codes: %q", in.IPCCodes)
	}
	if in.Owners[0].ShareBP != 6000 || in.Owners[1].ShareBP != 4000 || len(in.TransferModes) != 2 {
		t.Errorf("input: %+v", in)
	}
	if in.PriceType != "negotiable" || in.ValidityMonths != 12 || in.PriceFen != nil {
		t.Errorf("defaults: price type %q, validity %d, price %v", in.PriceType, in.ValidityMonths, in.PriceFen)
	}
}

func TestMergeFieldErrorsKeepsOneMessagePerUnconvertibleField(t *testing.T) {
	parse := apperr.FieldList{apperr.Field("price_fen", "invalid", "bad number", "")}
	validation := apperr.Fields("x", apperr.Field("price_fen", "required", "price required", ""),
		apperr.Field("field", "invalid", "bad field", ""))
	got := mergeFieldErrors(parse, validation)
	if len(got) != 2 || got[0].Message != "bad number" || got[1].Field != "field" {
		t.Fatalf("merged: %+v", got)
	}
}

func TestPaginateKeepsFilters(t *testing.T) {
	filters := url.Values{"q": {"电池"}, "field": {"NE"}}
	prev, next, links := paginate("/listings", filters, 5, 12)
	if !strings.Contains(prev, "page=4") || !strings.Contains(next, "page=6") || !strings.Contains(next, "field=NE") ||
		!strings.Contains(next, "q=%E7%94%B5%E6%B1%A0") {
		t.Fatalf("prev %q next %q", prev, next)
	}
	var shown []string
	for _, l := range links {
		switch {
		case l.Gap:
			shown = append(shown, "…")
		case l.Current:
			shown = append(shown, "["+strconv.Itoa(l.Number)+"]")
		default:
			shown = append(shown, strconv.Itoa(l.Number))
		}
	}
	if got := strings.Join(shown, " "); got != "1 … 3 4 [5] 6 7 … 12" {
		t.Errorf("page links: %s", got)
	}
	if links[0].URL != "/listings?field=NE&q=%E7%94%B5%E6%B1%A0" {
		t.Errorf("page 1 link %q (page=1 is left out)", links[0].URL)
	}
	if p, n, l := paginate("/listings", nil, 1, 1); p != "" || n != "" || l != nil {
		t.Error("a single page needs no pager")
	}
}

func TestDisplayFuncs(t *testing.T) {
	p := int64(150_000_000)
	small := int64(500_050)
	for _, c := range []struct {
		lang, want string
		v          any
	}{
		{"zh", "150 万元", &p}, {"en", "¥1,500,000", &p}, {"zh", "5,000.50 元", &small}, {"zh", "", (*int64)(nil)},
		{"zh", "1.23 万元", domain.Fen(1_234_500)},
	} {
		if got := money(c.lang, c.v); got != c.want {
			t.Errorf("money(%s, %v) = %q, want %q", c.lang, c.v, got, c.want)
		}
	}
	need := listing.Listing{Input: listing.Input{Kind: listing.KindNeed, BudgetMinFen: &small, BudgetMaxFen: &p}}
	if got := priceText("zh", need); got != "5,000.50 元 – 150 万元" {
		t.Errorf("budget range: %q", got)
	}
	ach := listing.Listing{Input: listing.Input{Kind: listing.KindAchievement, PriceType: "floor", PriceFen: &p}}
	if got := priceText("en", ach); got != "¥1,500,000 · Floor price" {
		t.Errorf("price: %q", got)
	}
	ach.PriceType = "negotiable"
	if got := priceText("zh", ach); got != "面议" {
		t.Errorf("negotiable: %q", got)
	}
	d := time.Date(2025, 3, 7, 23, 0, 0, 0, time.UTC)
	if date("zh", d) != "2025年3月7日" || date("en", &d) != "7 Mar 2025" || date("en", "2026-01-31") != "31 Jan 2026" ||
		date("zh", (*time.Time)(nil)) != "—" {
		t.Errorf("dates: %s %s %s", date("zh", d), date("en", &d), date("en", "2026-01-31"))
	}
	if got := excerpt("一二三四五\n六七八九十", 6); got != "一二三四五 …" && got != "一二三四五…" {
		t.Errorf("excerpt: %q", got)
	}
	if got := paragraphs("a <b>\nline\n\n\nsecond & last"); got != template.HTML("<p>a &lt;b&gt;<br>line</p><p>second &amp; last</p>") {
		t.Errorf("paragraphs: %q", got)
	}
	if label("en", "field", "NE") != "New energy and energy efficiency" || label("zh", "status", "submitted") != "待审核" {
		t.Error("label")
	}
}

func TestFieldChartGeometry(t *testing.T) {
	c := fieldChart("zh", map[string]int{"NE": 10, "EI": 5, "AGR": 0})
	if len(c.Bars) != len(domain.TechFields) {
		t.Fatalf("%d bars, want one per field", len(c.Bars))
	}
	if c.Bars[0].Label != "新能源与高效节能" || c.Bars[0].BarWidth != chartWidth-chartLabelWidth-chartValueRoom {
		t.Errorf("largest first and full length: %+v", c.Bars[0])
	}
	if c.Bars[1].BarWidth != c.Bars[0].BarWidth/2 || c.Bars[2].BarWidth != 0 {
		t.Errorf("bars not proportional: %d %d", c.Bars[1].BarWidth, c.Bars[2].BarWidth)
	}
	if c.Bars[0].URL != "/listings?field=NE" || !strings.Contains(c.Desc, "新能源与高效节能 10") {
		t.Errorf("link %q desc %q", c.Bars[0].URL, c.Desc)
	}
	for i := 1; i < len(c.Bars); i++ {
		if c.Bars[i].Y <= c.Bars[i-1].Y || c.Bars[i].Y+chartBarHeight > c.Height {
			t.Fatalf("bar %d out of place", i)
		}
	}
}

var (
	templateKey = regexp.MustCompile(`\{\{-?\s*t\s+\$?[\w.]*Lang\s+"([^"]+)"`)
	parenKey    = regexp.MustCompile(`\(t\s+\$?[\w.]*Lang\s+"([^"]+)"`)
	goKey       = regexp.MustCompile(`\btr\([a-zA-Z.]+(?:\(\))?, "([^"]+)"[,)]`)
)

// TestCatalog checks that every message has both languages and that every
// message id the templates and handlers use literally exists, plus the ids they
// build (error kinds, new-listing titles, detail access, flash messages).
func TestCatalog(t *testing.T) {
	for id, m := range catalog {
		if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("message %q lacks a language", id)
		}
		if strings.Count(m.zh, "%") != strings.Count(m.en, "%") {
			t.Errorf("message %q: the languages take different arguments", id)
		}
	}
	used := map[string]bool{}
	walk := func(dir string, patterns ...*regexp.Regexp) {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
				return err
			}
			if !strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, ".go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, p := range patterns {
				for _, m := range p.FindAllStringSubmatch(string(src), -1) {
					used[m[1]] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	walk("templates", templateKey, parenKey)
	walk(".", goKey)
	if len(used) < 100 {
		t.Fatalf("found only %d message ids in use; the scan is broken", len(used))
	}
	for k := range apperrKinds() {
		used["error."+k], used["error."+k+".help"] = true, true
	}
	for _, k := range domain.ListingKinds {
		used["form.new_title."+k.Code] = true
	}
	for _, a := range []string{"owner", "operator", "granted"} {
		used["listing.detail_access."+a] = true
	}
	for m := range flashMessages {
		used["msg."+m] = true
	}
	for _, name := range []string{"title_zh", "title_en", "summary_zh", "summary_en", "detail_zh", "detail_en", "field",
		"ipc_codes", "region_code", "validity_months", "required_trl", "deadline", "trl", "trl_evidence", "price_type",
		"org_id", "budget_min_fen", "budget_max_fen", "price_fen", "ip_items.type", "ip_items.number", "ip_items.title",
		"ip_items.status", "ip_items.territory", "ip_items.expiry_date", "owners.name", "owners.share_pct"} {
		used["f."+name] = true
	}
	for id := range used {
		if _, ok := catalog[id]; !ok {
			t.Errorf("message %q is used but not in the catalog", id)
		}
	}
}

func apperrKinds() map[string]bool {
	out := map[string]bool{}
	for k := apperr.Internal; k <= apperr.Unavailable; k++ {
		out[k.String()] = true
	}
	return out
}
