package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

const secret = "SECRET-RECIPE-42" // in sampleAchievement's confidential detail

// dealMessageID finds a deal-page catalog id shown raw instead of its text.
var dealMessageID = regexp.MustCompile(`\b(deal|auction|challenge|venue)\.[a-z_]+(\.[a-z_]+)?\b`)

func noRawIDs(t *testing.T, p page) {
	t.Helper()
	body := strings.ReplaceAll(p.body, "auction.js", "")
	if m := dealMessageID.FindString(body); m != "" {
		t.Errorf("page %s shows message id %q raw", p.url, m)
	}
}

// dealEnv is newEnv with the seed venues, as app.Open sets them up.
func dealEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := newEnv(t, db, app.Config{})
	if err := e.a.Deals.EnsureSeed(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

// actor signs a user in through the service, for steps a test takes directly.
func (e *env) actor(email string) domain.Actor {
	e.t.Helper()
	a, err := e.a.Identity.Login(context.Background(), email, password, "127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// secondBuyer adds another buying organisation with its user.
func (e *env) secondBuyer() identity.Org {
	e.t.Helper()
	o, err := e.a.Identity.CreateOrg(context.Background(), system, identity.OrgInput{NameZh: "辰光装备有限公司", NameEn: "Morning Equipment Co.",
		Type: "enterprise", RegionCode: "330106", USCC: domain.MakeUSCC('9', '1', "330106", "40000777X")})
	if err != nil {
		e.t.Fatal(err)
	}
	e.user("buyer2@morning.test", "孙采购", domain.OrgRole{OrgID: o.ID, Role: domain.RoleBuyer})
	return o
}

var (
	hiddenVersion = regexp.MustCompile(`name="version" value="(\d+)"`)
	hiddenHash    = regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`)
	offerAction   = regexp.MustCompile(`action="(/deals/[^"]+/offers/[^"]+/accept)"`)
)

func licenceTermsJSON(price domain.Fen) string {
	t := deal.Terms{
		ContractType: "LIC", SubType: "LIC_PATENT", Title: "固态电解质专利实施许可合同", Subject: "许可受让方在中国境内实施固态电解质专利。",
		IPItems:  []deal.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Title: "固态电解质", Holder: "华东理工测试大学"}},
		Licence:  &deal.LicenceScope{Exclusivity: "ordinary", Territory: "中国大陆", Field: "动力电池", TermMonths: 60},
		PriceFen: price, Payment: deal.Payment{Mode: "LUMP_SUM_INSTALMENTS"},
		Milestones: []deal.Milestone{
			{Name: "合同生效", Deliverables: []string{"技术资料"}, AcceptanceCriteria: "资料清单齐全", AmountFen: price / 2},
			{Name: "中试验收", Deliverables: []string{"中试报告"}, AcceptanceCriteria: "循环寿命≥2000次", AmountFen: price - price/2},
		},
		LineItems:       []deal.LineItem{{Description: "专利实施许可费", Kind: "technical", AmountFen: price}},
		Confidentiality: deal.Confidentiality{Years: 3}, Improvements: "improver",
		Dispute: deal.Dispute{Method: "arbitration", Forum: "上海国际仲裁中心"},
	}
	b, _ := json.Marshal(t)
	return string(b)
}

// TestDealRoomThroughForms runs a deal from the listing page to a contract
// signed by both sides, every step through the pages' forms.
func TestDealRoomThroughForms(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		l := e.published(sampleAchievement())

		buyer := e.browser()
		buyer.login("buyer@company.test")
		p := buyer.get("/listings/" + l.ID)
		mustContain(t, p, `action="/listings/`+l.ID+`/interest"`, "我有意向")
		mustNotContain(t, p, secret)

		p = buyer.postForm("/listings/"+l.ID+"/interest", url.Values{"message": {"我们希望了解中试数据"}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.url.Path, "/deals/") {
			t.Fatalf("interest: status %d at %s", p.status, p.url)
		}
		room := p.url.Path
		mustContain(t, p, "交易室已开启", "保密协议", "我已阅读并同意保密协议", "我们希望了解中试数据", "签署保密协议后可查看机密技术资料")
		mustNotContain(t, p, secret, `action="`+room+`/offers"`)
		noRawIDs(t, p)

		seller := e.browser()
		seller.login("seller@uni.test")
		p = seller.get(room)
		mustContain(t, p, "等待意向方签署保密协议")
		mustNotContain(t, p, "我已阅读并同意保密协议")

		m := hiddenVersion.FindStringSubmatch(buyer.get(room).body)
		if m == nil {
			t.Fatal("no NDA version on the form")
		}
		p = buyer.postForm(room+"/nda", url.Values{"version": {m[1]}})
		mustContain(t, p, "机密资料已开放", secret, "提交报价")

		// Inline validation: a number the form cannot read, and terms the service refuses.
		p = buyer.postForm(room+"/offers", url.Values{"price_yuan": {"12万"}, "royalty_pct": {"150"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("unreadable offer: status %d", p.status)
		}
		mustContain(t, p, `id="price_yuan-error"`, "请输入以元为单位的金额")
		p = buyer.postForm(room+"/offers", url.Values{"price_yuan": {"1200000"}, "royalty_pct": {"150"}, "free_use_months": {"99"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid offer: status %d", p.status)
		}
		mustContain(t, p, `id="royalty_pct-error"`, "提成比例须为0至10000个基点", `id="free_use_months-error"`, `value="1200000"`)

		offer := url.Values{"price_yuan": {"1200000"}, "contract_type": {"LIC"}, "sub_type": {"LIC_PATENT"}, "exclusivity": {"ordinary"},
			"payment_mode": {"LUMP_SUM_INSTALMENTS"}, "territory": {"中国大陆"}, "term_months": {"60"}}
		p = buyer.postForm(room+"/offers", offer)
		mustContain(t, p, "报价已发送", "120 万元", "待答复")
		offer.Set("price_yuan", "1400000")
		p = seller.postForm(room+"/offers", offer) // the counter-offer
		mustContain(t, p, "报价已发送", "140 万元", "已还价")

		am := offerAction.FindStringSubmatch(buyer.get(room).body)
		if am == nil {
			t.Fatal("the buyer has no accept button for the counter-offer")
		}
		p = buyer.postForm(am[1], url.Values{})
		mustContain(t, p, "已接受报价", "已达成一致", "生成合同")

		p = buyer.postForm(room+"/contract", url.Values{"terms": {`{"contract_type":"LIC","nope":1}`}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad terms: status %d", p.status)
		}
		mustContain(t, p, `id="terms-error"`, "nope")
		p = buyer.postForm(room+"/contract", url.Values{"terms": {licenceTermsJSON(140_000_000)}})
		mustContain(t, p, "合同已生成", "合同第 1 版", "签署合同", "尚未签署")
		h := hiddenHash.FindStringSubmatch(p.body)
		if h == nil {
			t.Fatal("no document hash on the sign form")
		}
		doc := seller.get(room + "/contract/1")
		if doc.status != http.StatusOK || doc.header.Get("X-Document-SHA256") != h[1] || !strings.Contains(doc.body, "上海国际仲裁中心") {
			t.Fatalf("contract document: status %d hash %q", doc.status, doc.header.Get("X-Document-SHA256"))
		}
		if pdf := seller.get(room + "/contract/1/pdf"); pdf.status != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") {
			t.Fatalf("contract pdf: status %d", pdf.status)
		}
		p = buyer.postForm(room+"/sign", url.Values{"version": {"1"}, "sha256": {strings.Repeat("0", 64)}})
		if p.status == http.StatusOK && strings.Contains(p.body, "已签署。") {
			t.Fatal("a signature over another document was accepted")
		}
		p = buyer.postForm(room+"/sign", url.Values{"version": {"1"}, "sha256": {h[1]}})
		mustContain(t, p, "已签署", "王经理", h[1])
		p = seller.postForm(room+"/sign", url.Values{"version": {"1"}, "sha256": {h[1]}})
		mustContain(t, p, "已成交", "李老师", "王经理")
		mustNotContain(t, p, `action="`+room+`/sign"`)
		noRawIDs(t, p)

		buyer.lang = "en"
		p = buyer.get("/deals")
		mustContain(t, p, "My deals", "Concluded", "High-safety solid-state")
		noRawIDs(t, p)
	})
}

// TestDealRoomConfidentialNeverLeaks: only the parties (and operators) see a
// room; the confidential detail only reaches the counterparty after its NDA,
// and never another organisation, whatever page it opens.
func TestDealRoomConfidentialNeverLeaks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		e.secondBuyer()
		l := e.published(sampleAchievement())
		ctx := context.Background()

		d, err := e.a.Deals.ExpressInterest(ctx, e.actor("buyer@company.test"), deal.InterestInput{ListingID: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		nda, _ := e.a.Deals.CurrentNDA(ctx)
		if _, err := e.a.Deals.AcceptNDA(ctx, e.actor("buyer@company.test"), d.ID, nda.Version); err != nil {
			t.Fatal(err)
		}
		room := "/deals/" + d.ID

		other := e.browser()
		other.login("buyer2@morning.test")
		for _, path := range []string{room, room + "/contract/1", room + "/contract/1/pdf"} {
			p := other.get(path)
			if p.status != http.StatusNotFound {
				t.Errorf("another organisation opens %s: status %d", path, p.status)
			}
			mustNotContain(t, p, secret)
		}
		for _, path := range []string{room + "/messages", room + "/offers", room + "/nda", room + "/withdraw"} {
			p := other.postForm(path, url.Values{"body": {"hi"}, "price_yuan": {"1"}, "version": {"1"}})
			if p.status != http.StatusNotFound {
				t.Errorf("another organisation posts %s: status %d", path, p.status)
			}
		}
		// Its own room on the same listing stays locked until its own NDA.
		p := other.postForm("/listings/"+l.ID+"/interest", url.Values{})
		if !strings.HasPrefix(p.url.Path, "/deals/") || p.url.Path == room {
			t.Fatalf("second interest: status %d at %s", p.status, p.url)
		}
		mustNotContain(t, p, secret)
		mustContain(t, p, "签署保密协议后可查看机密技术资料")
		mustNotContain(t, other.get("/deals"), secret)
		mustNotContain(t, other.get("/listings/"+l.ID), secret)

		// A broker sees the room as its mandating party does, only while the mandate is in force.
		agency, err := e.a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "技术转移服务中心", NameEn: "Tech Transfer Centre",
			Type: "service_agency", RegionCode: "310104", USCC: domain.MakeUSCC('5', '2', "310104", "40000555X")})
		if err != nil {
			t.Fatal(err)
		}
		e.user("broker@agency.test", "吴经纪", domain.OrgRole{OrgID: agency.ID, Role: domain.RoleBroker})
		brokerActor := e.actor("broker@agency.test")
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		m, err := e.a.Deals.ProposeMandate(ctx, e.actor("buyer@company.test"), deal.MandateInput{PartyOrgID: e.company.ID,
			BrokerUserID: brokerActor.UserID, Side: "buyer", CanNegotiate: true, Commission: deal.Commission{Kind: "percent", BP: 300},
			StartsOn: today.Format(time.DateOnly), EndsOn: today.AddDate(1, 0, 0).Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		broker := e.browser()
		broker.login("broker@agency.test")
		if p := broker.get(room); p.status != http.StatusNotFound {
			t.Errorf("a broker with a mandate not yet accepted opens the room: status %d", p.status)
		}
		if _, err := e.a.Deals.RespondMandate(ctx, brokerActor, m.ID, true); err != nil {
			t.Fatal(err)
		}
		p = broker.get(room)
		mustContain(t, p, secret, "受托技术经理人", `action="`+room+`/offers"`)
		mustNotContain(t, p, `action="`+room+`/nda"`, `action="`+room+`/withdraw"`)
		if _, err := e.a.Deals.RevokeMandate(ctx, e.actor("buyer@company.test"), m.ID); err != nil {
			t.Fatal(err)
		}
		if p := broker.get(room); p.status != http.StatusNotFound {
			t.Errorf("a broker whose mandate was revoked opens the room: status %d", p.status)
		}

		anon := e.browser()
		if p := anon.get(room); p.url.Path != "/login" {
			t.Errorf("anonymous visitor reaches the room: %d at %s", p.status, p.url)
		}
		seller := e.browser()
		seller.login("seller@uni.test")
		mustContain(t, seller.get(room), secret)
		operator := e.browser()
		operator.login("operator@exchange.test")
		p = operator.get(room)
		if p.status != http.StatusOK {
			t.Fatalf("operator: status %d", p.status)
		}
		mustNotContain(t, p, `action="`+room+`/offers"`, `action="`+room+`/sign"`)
	})
}
