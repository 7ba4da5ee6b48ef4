package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

var baseInputField = regexp.MustCompile(`name="base_input" value="([^"]*)"`)

// wizardForm reads the wizard at path and returns its hidden base input with
// the valuer's assumptions for a profit-split income valuation.
func wizardForm(t *testing.T, b *browser, path string) url.Values {
	t.Helper()
	p := b.get(path)
	if p.status != http.StatusOK {
		t.Fatalf("wizard %s: status %d", path, p.status)
	}
	m := baseInputField.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no base_input on the wizard")
	}
	return url.Values{
		"base_input": {html.UnescapeString(m[1])}, "scenario": {"transfer_licensing"}, "method": {"auto"},
		"valuation_date": {"2026-03-01"}, "trl": {"5"}, "ip_items[0].filing_date": {"2021-03-01"},
		"income.basis":                    {"profit_split"},
		"income.annual_revenue.low":       {"100"},
		"income.annual_revenue.base":      {"200"},
		"income.annual_revenue.high":      {"400"},
		"income.revenue_growth.base":      {"5"},
		"income.profit_margin.low":        {"10"},
		"income.profit_margin.base":       {"15"},
		"income.profit_margin.high":       {"20"},
		"income.share_rate.low":           {"20"},
		"income.share_rate.base":          {"25"},
		"income.share_rate.high":          {"33"},
		"income.discount_rate.low":        {"10"},
		"income.discount_rate.base":       {"12"},
		"income.discount_rate.high":       {"15"},
		"income.economic_life_years.low":  {"5"},
		"income.economic_life_years.base": {"8"},
		"income.economic_life_years.high": {"10"},
	}
}

func countValuations(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM valuations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestValuationWizardResultRerunAndAccuracy(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		l := e.published(sampleAchievement())
		wizard := "/listings/" + l.ID + "/valuations/new"

		buyer := e.browser()
		buyer.login("buyer@company.test")
		mustNotContain(t, buyer.get("/listings/"+l.ID), wizard)
		if p := buyer.get(wizard); p.status != http.StatusForbidden {
			t.Errorf("buyer opening the wizard: status %d, want 403", p.status)
		}

		seller := e.browser()
		seller.login("seller@uni.test")
		mustContain(t, seller.get("/listings/"+l.ID), wizard, "估值")
		p := seller.get(wizard)
		// Prefilled from the listing (TRL 5, the patent) and with the default assumptions.
		mustContain(t, p, "评估向导", "ZL202110000001.2", `<option value="5" selected>`, `name="income.discount_rate.base" value="12"`)

		// Bad input: negative life and no filing date. Errors beside the fields, nothing saved.
		form := wizardForm(t, seller, wizard)
		form.Set("income.economic_life_years.low", "-1")
		form.Del("ip_items[0].filing_date")
		p = seller.postForm(wizard, form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad input: status %d, want 422", p.status)
		}
		mustContain(t, p, "error-summary", `id="f-income-economic_life_years-low"`, `aria-invalid="true"`, `value="-1"`)
		if n := countValuations(t, db); n != 0 {
			t.Fatalf("%d valuations saved from bad input", n)
		}
		form = wizardForm(t, seller, wizard)
		form.Set("income.discount_rate.base", "abc")
		p = seller.postForm(wizard, form)
		mustContain(t, p, "不是有效数字")

		// A good valuation lands on its result page with range, reasons, charts and reports.
		p = seller.postForm(wizard, wizardForm(t, seller, wizard))
		if p.status != http.StatusOK || !strings.HasPrefix(p.url.Path, "/valuations/") {
			t.Fatalf("valuation: status %d at %s", p.status, p.url)
		}
		resultPath := p.url.Path
		id := strings.TrimPrefix(resultPath, "/valuations/")
		mustContain(t, p, "评估结果", "P50", "收益法", "<svg", "class=\"chart tornado\"", "/valuations/"+id+"/report.pdf", "L31")

		// The PDF link works with the session cookie.
		if pdf := seller.get("/valuations/" + id + "/report.pdf"); pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF-") {
			t.Errorf("PDF report: status %d", pdf.status)
		}
		if p := buyer.get(resultPath); p.status != http.StatusNotFound {
			t.Errorf("buyer reading the valuation: status %d, want 404", p.status)
		}

		// Re-run: the form shows the saved assumptions; the new valuation names the original.
		rerun := resultPath + "/rerun"
		p = seller.get(rerun)
		mustContain(t, p, "调整假设后重新评估", `name="income.annual_revenue.base" value="200"`, `name="income.share_rate.high" value="33"`)
		form = wizardForm(t, seller, rerun)
		form.Set("income.share_rate.base", "30")
		p = seller.postForm(rerun, form)
		if p.status != http.StatusOK || p.url.Path == resultPath {
			t.Fatalf("re-run: status %d at %s", p.status, p.url)
		}
		mustContain(t, p, `href="/valuations/`+id+`"`, "本成果的历次评估")
		if n := countValuations(t, db); n != 2 {
			t.Errorf("%d valuations after a re-run, want 2", n)
		}
		mustContain(t, seller.get("/listings/"+l.ID), `href="/valuations/`+id+`"`)

		// Record the realised price: bad input first, then good.
		p = seller.postForm(resultPath+"/realised", url.Values{"price": {"-3"}, "date": {"2099-01-01"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad realised price: status %d", p.status)
		}
		mustContain(t, p, "成交价须为正的金额", "成交日期不能晚于今天")
		p = seller.postForm(resultPath+"/realised", url.Values{"price": {"180"}, "date": {"2026-03-05"}, "source": {"合同 2026-18"}})
		mustContain(t, p, "合同 2026-18", "180 万元")

		// The accuracy page: one deal, a histogram; details only for the operator.
		p = seller.get("/valuations/accuracy")
		mustContain(t, p, "评估准确性", "1 笔成交", `class="chart histogram"`, "仅交易机构人员可见")
		op := e.browser()
		op.login("operator@exchange.test")
		op.lang = "en"
		p = op.get("/valuations/accuracy?lang=en")
		mustContain(t, p, "Valuation accuracy", "1 closed deals", "Coverage of P10–P90", `href="/valuations/`+id+`"`)
	})
}
