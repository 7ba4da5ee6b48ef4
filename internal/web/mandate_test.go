package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestMandatesThroughForms: a buying party mandates a broker through the form
// (with errors beside the fields first), the broker accepts, the party
// revokes; another organisation sees none of it and gets 404 on every post.
func TestMandatesThroughForms(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := dealEnv(t, db)
		agency, err := e.a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "技术转移服务中心", NameEn: "Tech Transfer Centre",
			Type: "service_agency", RegionCode: "310104", USCC: domain.MakeUSCC('5', '2', "310104", "40000555X")})
		if err != nil {
			t.Fatal(err)
		}
		e.user("broker@agency.test", "吴经纪", domain.OrgRole{OrgID: agency.ID, Role: domain.RoleBroker})
		e.secondBuyer()
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		start, end := today.Format(time.DateOnly), today.AddDate(1, 0, 0).Format(time.DateOnly)

		buyer := e.browser()
		buyer.login("buyer@company.test")
		p := buyer.get("/mandates")
		mustContain(t, p, "技术经理人委托", `action="/mandates"`, "没有委托记录", e.company.ID)

		form := url.Values{"org": {e.company.ID}, "side": {"buyer"}, "broker_email": {"nobody@nowhere.test"},
			"commission_kind": {"percent"}, "commission_pct": {""}, "expenses_borne_by": {"broker"}, "starts_on": {start}, "ends_on": {end}}
		p = buyer.postForm("/mandates", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad mandate: status %d", p.status)
		}
		mustContain(t, p, `id="broker_email-error"`, "未找到使用该邮箱的技术经理人", `id="commission_pct-error"`, `value="nobody@nowhere.test"`)

		// A user who exists but is no broker gets the same answer as an unknown address.
		form.Set("broker_email", "seller@uni.test")
		form.Set("commission_pct", "2.5")
		p = buyer.postForm("/mandates", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("mandate to a non-broker: status %d", p.status)
		}
		mustContain(t, p, `id="broker_email-error"`, "未找到使用该邮箱的技术经理人")
		form.Set("broker_email", "broker@agency.test")
		form.Set("ends_on", "2020-01-01")
		p = buyer.postForm("/mandates", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("mandate ending in the past: status %d", p.status)
		}
		mustContain(t, p, `id="ends_on-error"`)
		if ms, _ := e.a.Deals.Mandates(ctx, e.actor("buyer@company.test")); len(ms) != 0 {
			t.Fatalf("refused forms stored %d mandates", len(ms))
		}

		form.Set("ends_on", end)
		form.Set("can_negotiate", "1")
		p = buyer.postForm("/mandates", form)
		if p.status != http.StatusOK || p.url.Query().Get("done") != "proposed" {
			t.Fatalf("propose: status %d at %s", p.status, p.url)
		}
		mustContain(t, p, "委托已提出", "吴经纪", "2.5%", "可代为议价", "待接受", "星河新材料有限公司")
		ms, err := e.a.Deals.Mandates(ctx, e.actor("buyer@company.test"))
		if err != nil || len(ms) != 1 {
			t.Fatalf("mandates: %v %d", err, len(ms))
		}
		m := ms[0]
		if m.Commission.Kind != "percent" || m.Commission.BP != 250 || !m.CanNegotiate || m.Side != "buyer" || m.State != deal.MandateProposed {
			t.Fatalf("stored mandate: %+v", m)
		}
		mustNotContain(t, p, `action="/mandates/`+m.ID+`/accept"`) // only the broker answers
		mustContain(t, p, `action="/mandates/`+m.ID+`/revoke"`)

		other := e.browser()
		other.login("buyer2@morning.test")
		mustNotContain(t, other.get("/mandates"), "吴经纪", m.ID)
		if p := other.get("/mandates/" + m.ID); p.status != http.StatusNotFound {
			t.Errorf("another organisation opens the mandate: %d", p.status)
		}
		for _, act := range []string{"accept", "decline", "revoke"} {
			if p := other.postForm("/mandates/"+m.ID+"/"+act, url.Values{}); p.status != http.StatusNotFound {
				t.Errorf("another organisation posts %s: %d", act, p.status)
			}
		}

		broker := e.browser()
		broker.login("broker@agency.test")
		if p := broker.get("/mandates/" + m.ID); p.status != http.StatusOK || p.url.Path != "/mandates" {
			t.Errorf("notification link: %d at %s", p.status, p.url)
		}
		p = broker.get("/mandates")
		mustContain(t, p, `action="/mandates/`+m.ID+`/accept"`, `action="/mandates/`+m.ID+`/decline"`)
		mustNotContain(t, p, `action="/mandates"`) // a broker has no party role to give mandates
		p = broker.postForm("/mandates/"+m.ID+"/accept", url.Values{})
		mustContain(t, p, "已接受委托", "有效")
		p = broker.postForm("/mandates/"+m.ID+"/accept", url.Values{})
		if p.status != http.StatusConflict {
			t.Errorf("accepting twice: %d", p.status)
		}

		// The deal room links to the mandates.
		l := e.published(sampleAchievement())
		d, err := e.a.Deals.ExpressInterest(ctx, e.actor("buyer@company.test"), deal.InterestInput{ListingID: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, buyer.get("/deals/"+d.ID), `href="/mandates"`)

		p = buyer.postForm("/mandates/"+m.ID+"/revoke", url.Values{})
		mustContain(t, p, "委托已解除", "已解除")
		if ms, _ := e.a.Deals.Mandates(ctx, e.actor("buyer@company.test")); ms[0].State != deal.MandateRevoked {
			t.Errorf("after revoke: %s", ms[0].State)
		}

		buyer.lang = "en"
		mustContain(t, buyer.get("/mandates"), "Broker mandates", "Revoked", "Mandate a broker")
	})
}
