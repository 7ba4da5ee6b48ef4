package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

var proposalID = regexp.MustCompile(`id="proposal-([0-9a-f-]{36})"`)

// TestChallengeBoard: solvers propose through the challenge page, the owner
// selects a winner after the deadline, and the other solver reads its feedback.
func TestChallengeBoard(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		ctx := context.Background()
		lab, err := e.a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: "丙材料研究所", NameEn: "Bing Materials Institute",
			Type: "research_institute", RegionCode: "310104", USCC: domain.MakeUSCC('1', '2', "310104", "40000888X")})
		if err != nil {
			t.Fatal(err)
		}
		e.user("solver@lab.test", "周研究员", domain.OrgRole{OrgID: lab.ID, Role: domain.RoleSeller})
		need, err := e.a.Listings.Create(ctx, system, e.company.ID, listing.Input{Kind: listing.KindNeed, TitleZh: "低温电池电解液",
			TitleEn: "Low-temperature electrolyte", SummaryZh: "零下40度可用的电解液。", DetailZh: "内部测试数据 NEED-SECRET-7", Field: "NE",
			RegionCode: "320506"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Listings.Review(ctx, system, need.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		// The owner's page offers the challenge form; a deadline too soon is named.
		owner := e.browser()
		owner.login("buyer@company.test")
		mustContain(t, owner.get("/listings/"+need.ID), `href="/listings/`+need.ID+`/challenge"`)
		p := owner.postForm("/listings/"+need.ID+"/challenge", url.Values{"venue": {"platform"}, "reward_yuan": {"500000"},
			"max_winners": {"1"}, "deadline": {time.Now().Format(time.DateOnly)}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("deadline too soon: status %d", p.status)
		}
		mustContain(t, p, `id="deadline-error"`, "发布揭榜挂帅")
		noRawIDs(t, p)

		// The challenge ran last month, so that its deadline has passed by now.
		clk := &testClock{now: time.Now().UTC().AddDate(0, 0, -30)}
		e.a.Deals.SetClock(clk.get)
		deadline := clk.get().AddDate(0, 0, 10).Format(time.DateOnly)
		c, err := e.a.Deals.OpenChallenge(ctx, e.actor("buyer@company.test"), deal.ChallengeInput{ListingID: need.ID,
			TitleZh: "低温电解液揭榜", TitleEn: "Low-temperature electrolyte challenge", Criteria: "零下40度容量保持率≥80%",
			RewardFen: 50_000_000, MaxWinners: 1, Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		path := "/challenges/" + c.ID

		p = e.browser().get("/challenges?state=all")
		mustContain(t, p, path, "低温电解液揭榜", "50 万元")
		noRawIDs(t, p)

		solver := e.browser()
		solver.login("solver@lab.test")
		// Proposals are taken until the deadline by the service clock; the page
		// compares with real time, so the form is posted directly.
		p = solver.postForm(path+"/proposals", url.Values{"summary": {""}, "price_yuan": {"四十万"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad proposal: status %d", p.status)
		}
		p = solver.postForm(path+"/proposals", url.Values{"summary": {""}, "price_yuan": {"400000"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("empty summary: status %d", p.status)
		}
		p = solver.postForm(path+"/proposals", url.Values{"summary": {"固态-液态复合电解液方案"}, "plan": {"三个月小试"}, "price_yuan": {"400000"}, "duration_months": {"6"}})
		mustContain(t, p, "揭榜方案已提交", "固态-液态复合电解液方案", "40 万元")
		uni := e.browser()
		uni.login("seller@uni.test")
		p = uni.postForm(path+"/proposals", url.Values{"summary": {"新型锂盐添加剂"}})
		mustContain(t, p, "揭榜方案已提交", "新型锂盐添加剂")
		mustNotContain(t, p, "固态-液态复合电解液方案") // another solver's proposal

		clk.set(time.Now().UTC())
		p = owner.get(path)
		mustContain(t, p, "确认选定结果", "固态-液态复合电解液方案", "新型锂盐添加剂", "丙材料研究所")
		ids := proposalID.FindAllStringSubmatch(p.body, -1)
		if len(ids) != 2 {
			t.Fatalf("owner sees %d proposals", len(ids))
		}
		var win, lose string
		view, _ := e.a.Deals.GetChallenge(ctx, system, c.ID)
		for _, pr := range view.Proposals {
			if pr.SolverOrgID == lab.ID {
				win = pr.ID
			} else {
				lose = pr.ID
			}
		}
		p = owner.postForm(path+"/select", url.Values{"winner": {win}, "proposal": {win, lose}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("selection without feedback: status %d", p.status)
		}
		mustContain(t, p, `id="fb_code_`+lose+`-error"`, "须向每个未入选的揭榜方反馈原因")
		p = owner.postForm(path+"/select", url.Values{"winner": {win}, "proposal": {win, lose}, "fb_code_" + lose: {"not_feasible"},
			"fb_text_" + lose: {"添加剂路线低温下析锂风险高"}})
		mustContain(t, p, "已选定揭榜方", "已入选", "未入选")

		uni.lang = "en"
		p = uni.get(path)
		mustContain(t, p, "Not selected", "Approach not feasible", "添加剂路线低温下析锂风险高")
		mustNotContain(t, p, "固态-液态复合电解液方案", "NEED-SECRET-7")
		noRawIDs(t, p)
		p = solver.get(path)
		mustContain(t, p, "已入选", "前往交易室签订合同")
		if p := e.browser().get("/challenges/nope"); p.status != http.StatusNotFound {
			t.Fatalf("unknown challenge: %d", p.status)
		}
	})
}

// TestVenueRulesPage: every seeded venue's current rule set, readable.
func TestVenueRulesPage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		b := e.browser()
		p := b.get("/venues")
		if p.status != http.StatusOK {
			t.Fatalf("venues: %d", p.status)
		}
		mustContain(t, p, "华东技术交易所", "华北技术产权交易中心", "20个工作日", "1 万元", "0.5%", "最多 30 次", "不允许", "第 1 版")
		noRawIDs(t, p)
		b.lang = "en"
		p = b.get("/venues")
		mustContain(t, p, "Venue rules", "20 working days", "several buyers → English auction", "cap ¥50,000", "not allowed")
		noRawIDs(t, p)
	})
}
