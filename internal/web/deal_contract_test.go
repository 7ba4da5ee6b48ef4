package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// agreedDeal takes a deal on sampleAchievement to agreement through the
// service (the forms for these steps are tested in TestDealRoomThroughForms):
// a licence at 1,400,000 yuan paid in instalments. It returns the room's path.
func agreedDeal(t *testing.T, e *env) (string, string) {
	t.Helper()
	ctx := context.Background()
	l := e.published(sampleAchievement())
	buyer, seller := e.actor("buyer@company.test"), e.actor("seller@uni.test")
	d, err := e.a.Deals.ExpressInterest(ctx, buyer, deal.InterestInput{ListingID: l.ID})
	if err != nil {
		t.Fatal(err)
	}
	nda, _ := e.a.Deals.CurrentNDA(ctx)
	if _, err := e.a.Deals.AcceptNDA(ctx, buyer, d.ID, nda.Version); err != nil {
		t.Fatal(err)
	}
	o, err := e.a.Deals.MakeOffer(ctx, buyer, d.ID, deal.OfferInput{Terms: deal.OfferTerms{PriceFen: 140_000_000,
		ContractType: "LIC", SubType: "LIC_PATENT", PaymentMode: "LUMP_SUM_INSTALMENTS", Exclusivity: "ordinary",
		Territory: "中国大陆", TermMonths: 60}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Deals.RespondOffer(ctx, seller, d.ID, o.ID, true); err != nil {
		t.Fatal(err)
	}
	return "/deals/" + d.ID, d.ID
}

// licenceTermsForm is licenceTermsJSON(140_000_000) as the typed form posts
// it, with the blank rows the page offers (and one holding only spaces).
func licenceTermsForm() url.Values {
	return url.Values{
		"contract_type": {"LIC"}, "sub_type": {"LIC_PATENT"}, "title": {"固态电解质专利实施许可合同"},
		"subject": {"许可受让方在中国境内实施固态电解质专利。"}, "price_yuan": {"1400000"}, "valid_from": {""}, "valid_until": {""},
		"ip_items.0.type": {"invention_patent"}, "ip_items.0.number": {"ZL202110000001.2"}, "ip_items.0.title": {"固态电解质"},
		"ip_items.0.holder": {"华东理工测试大学"}, "ip_items.1.type": {""}, "ip_items.1.number": {""}, "ip_items.2.number": {"  "},
		"licence.exclusivity": {"ordinary"}, "licence.territory": {"中国大陆"}, "licence.field": {"动力电池"}, "licence.term_months": {"60"},
		"payment.mode": {"LUMP_SUM_INSTALMENTS"}, "payment.entry_fee_yuan": {""}, "payment.royalty_base": {""},
		"payment.royalty_rate": {""}, "payment.royalty_pct.0": {""}, "payment.royalty_pct.1": {""}, "payment.free_use_months": {""},
		"milestones.0.name": {"合同生效"}, "milestones.0.deliverables": {"技术资料"}, "milestones.0.acceptance_criteria": {"资料清单齐全"},
		"milestones.0.amount_yuan": {"700000"}, "milestones.0.due_date": {""},
		"milestones.1.name": {"中试验收"}, "milestones.1.deliverables": {"中试报告\r\n"}, "milestones.1.acceptance_criteria": {"循环寿命≥2000次"},
		"milestones.1.amount_yuan": {"700,000.00"}, "milestones.2.name": {""}, "milestones.2.amount_yuan": {""},
		"milestones.3.name": {"   "}, "milestones.3.due_date": {""},
		"line_items.0.description": {"专利实施许可费"}, "line_items.0.kind": {"technical"}, "line_items.0.amount_yuan": {"1400000"},
		"line_items.1.description": {""}, "line_items.1.kind": {""}, "line_items.1.amount_yuan": {""},
		"confidentiality.years": {"3"}, "confidentiality.scope": {""}, "improvements": {"improver"},
		"dispute.method": {"arbitration"}, "dispute.forum": {"上海国际仲裁中心"},
	}
}

func storedTerms(t *testing.T, e *env, dealID string) *deal.Terms {
	t.Helper()
	room, err := e.a.Deals.Get(context.Background(), e.actor("buyer@company.test"), dealID)
	if err != nil {
		t.Fatal(err)
	}
	if room.Contract == nil {
		return nil
	}
	return &room.Contract.Terms
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestContractTypedFormMatchesJSON: a licence drafted through the typed form
// (blank and space-only rows included) is stored exactly as the same terms
// posted as JSON; the form is then pre-filled from the draft.
func TestContractTypedFormMatchesJSON(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		room, id := agreedDeal(t, e)
		buyer := e.browser()
		buyer.login("buyer@company.test")

		// A new draft starts from the agreement: price, type, licence scope, the listing's IP; two blank rows each.
		p := buyer.get(room)
		mustContain(t, p, `id="contract-form"`, `name="price_yuan" value="1400000"`, `<option value="LIC" selected>`,
			`name="licence.territory" value="中国大陆"`, `name="ip_items.0.number" value="ZL202110000001.2"`,
			`name="ip_items.2.number"`, `name="milestones.1.amount_yuan"`, `name="line_items.1.kind"`, `name="payment.royalty_pct.1"`,
			`type="date" id="ct-valid_from"`, "<details", `name="terms"`)
		mustNotContain(t, p, `name="ip_items.3.number"`, `name="milestones.2.amount_yuan"`)
		noRawIDs(t, p)

		p = buyer.postForm(room+"/contract", licenceTermsForm())
		mustContain(t, p, "合同已生成", "合同第 1 版")
		typed := storedTerms(t, e, id)
		if typed == nil {
			t.Fatal("the typed form stored no contract")
		}
		if len(typed.IPItems) != 1 || len(typed.Milestones) != 2 || len(typed.LineItems) != 1 || len(typed.Payment.RoyaltyBPByYear) != 0 {
			t.Errorf("blank rows were not ignored: %+v", *typed)
		}
		// Pre-filled from the current draft, with two blank rows after the stored ones.
		mustContain(t, p, `name="milestones.1.amount_yuan" value="700000"`, `name="milestones.3.name"`, `>中试报告</textarea>`,
			`name="confidentiality.years" value="3"`, `<option value="arbitration" selected>`)
		mustNotContain(t, p, `name="milestones.4.name"`)

		p = buyer.postForm(room+"/contract", url.Values{"terms": {licenceTermsJSON(140_000_000)}})
		mustContain(t, p, "合同已生成", "合同第 2 版")
		viaJSON := storedTerms(t, e, id)
		var want deal.Terms
		if err := json.Unmarshal([]byte(licenceTermsJSON(140_000_000)), &want); err != nil {
			t.Fatal(err)
		}
		if got, w, j := canonical(t, typed), canonical(t, want), canonical(t, viaJSON); got != j || got != w {
			t.Errorf("typed form stored\n%s\nJSON path stored\n%s\nposted\n%s", got, j, w)
		}
	})
}

// TestContractTypedFormErrors: a bad milestone amount is named beside that
// milestone's amount input, what was typed is shown again, and nothing is
// stored; paths the form has no input for go to the top.
func TestContractTypedFormErrors(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		room, id := agreedDeal(t, e)
		buyer := e.browser()
		buyer.login("buyer@company.test")

		// Unreadable: refused by the form before the service.
		f := licenceTermsForm()
		f.Set("milestones.1.amount_yuan", "七十万")
		p := buyer.postForm(room+"/contract", f)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("unreadable amount: status %d", p.status)
		}
		mustContain(t, p, `id="ct-milestones.1.amount_yuan-error"`, "请输入以元为单位的金额", `value="七十万"`, `value="上海国际仲裁中心"`)
		mustNotContain(t, p, `id="ct-milestones.0.amount_yuan-error"`)

		// Refused by the service, on the second milestone typed after a blank row: the form is
		// shown compacted, so the error sits beside the row it now shows as the second one.
		f = licenceTermsForm()
		for _, k := range []string{"name", "deliverables", "acceptance_criteria", "amount_yuan"} {
			f.Set("milestones.2."+k, f.Get("milestones.1."+k))
			f.Set("milestones.1."+k, "")
		}
		f.Set("milestones.2.amount_yuan", "-5")
		buyer.lang = "en"
		p = buyer.postForm(room+"/contract", f)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("negative amount: status %d", p.status)
		}
		errAt := strings.Index(p.body, `id="ct-milestones.1.amount_yuan-error"`)
		if errAt < 0 || !strings.Contains(p.body[errAt:errAt+200], "amount out of range") {
			t.Fatalf("no error beside the milestone's amount:\n%s", p.body)
		}
		mustContain(t, p, `name="milestones.1.amount_yuan" value="-5"`, `name="milestones.1.name" value="中试验收"`,
			`id="ct-milestones-error"`, "instalments add up to", `id="contract-errors"`)
		if storedTerms(t, e, id) != nil {
			t.Fatal("a refused draft was stored")
		}

		// The licence scope left out: named at the licence fieldset, not lost.
		f = licenceTermsForm()
		for _, k := range []string{"exclusivity", "territory", "field", "term_months"} {
			f.Del("licence." + k)
		}
		p = buyer.postForm(room+"/contract", f)
		mustContain(t, p, `id="ct-licence-error"`, "a licence states its scope")
		if storedTerms(t, e, id) != nil {
			t.Fatal("a refused draft was stored")
		}
		noRawIDs(t, p)
	})
}

// TestContractFormBothLanguages: the form's labels in Chinese and English.
func TestContractFormBothLanguages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		room, _ := agreedDeal(t, e)
		seller := e.browser()
		seller.login("seller@uni.test")
		p := seller.get(room)
		mustContain(t, p, "起草合同条款", "所涉知识产权", "里程碑与验收", "交付物（每行一项）", "费用明细", "各合同年度提成比例（%）",
			"第 1 年", "后续改进成果归属", "高级：以 JSON 编辑合同条款", "发明专利", "技术性费用", "逐年递增", "产品价格")
		noRawIDs(t, p)
		seller.lang = "en"
		p = seller.get(room)
		mustContain(t, p, "Draft the contract terms", "IP items", "Milestones and acceptance", "Deliverables (one per line)",
			"Line items", "Royalty per contract year (%)", "Year 1", "Ownership of improvements", "Advanced: edit the terms as JSON",
			"Invention patent", "Technical", "Increasing", "Product price")
		noRawIDs(t, p)
	})
}
