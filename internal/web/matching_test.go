package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestMatchingPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		ctx := context.Background()
		tech := e.published(sampleAchievement())
		trl, lo, hi := 5, int64(100_000_000), int64(200_000_000)
		nd, err := e.a.Listings.Create(ctx, system, e.company.ID, listing.Input{Kind: listing.KindNeed,
			TitleZh: "寻求固态锂电池电解质", SummaryZh: "需要不易燃的固态电解质，用于动力电池，提高安全性。", DetailZh: "NEED-SECRET-9",
			Field: "NE", RequiredTRL: &trl, BudgetMinFen: &lo, BudgetMaxFen: &hi, TransferModes: []string{"transfer"}, RegionCode: "320506"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Listings.Review(ctx, system, nd.ID, true, ""); err != nil {
			t.Fatal(err)
		}

		anon := e.browser()
		if p := anon.get("/listings/" + nd.ID + "/matches"); p.url.Path != "/login" {
			t.Errorf("anonymous matches page ended at %s", p.url)
		}

		buyer := e.browser()
		buyer.login("buyer@company.test")
		if p := buyer.get("/listings/" + nd.ID); !strings.Contains(p.body, `href="/listings/`+nd.ID+`/matches"`) {
			t.Error("the detail page does not link to the matches")
		}
		p := buyer.get("/listings/" + nd.ID + "/matches")
		if p.status != http.StatusOK {
			t.Fatalf("matches page: %d %s", p.status, p.body)
		}
		mustContain(t, p, `<a href="/listings/`+tech.ID+`">`, "<mark>", "匹配原因", "技术领域", `name="reason"`, "价格不合适", "订阅本需求")
		mustNotContain(t, p, "SECRET-RECIPE-42", "NEED-SECRET-9")

		// Not relevant, too expensive: recorded, and the seller sees the count.
		p = buyer.postForm("/listings/"+nd.ID+"/matches/feedback", url.Values{"target_id": {tech.ID}, "relevant": {"0"}, "reason": {"too_expensive"}})
		if p.status != http.StatusOK || !strings.Contains(p.body, "已记录您的评价") {
			t.Fatalf("feedback: %d at %s", p.status, p.url)
		}
		mustContain(t, p, "您的评价：不相关")
		seller := e.browser()
		seller.lang = "en"
		seller.login("seller@uni.test")
		p = seller.get("/listings/" + tech.ID + "/matches?lang=en")
		mustContain(t, p, "What others said about this listing", "1 verdicts: 0 relevant, 1 not relevant.", "Price too high", "Why this match")
		mustNotContain(t, p, "NEED-SECRET-9")
		// The seller may not judge the buyer's matches.
		if p := seller.postForm("/listings/"+nd.ID+"/matches/feedback", url.Values{"target_id": {tech.ID}, "relevant": {"1"}}); p.status != http.StatusForbidden {
			t.Errorf("seller judging the buyer's need: %d", p.status)
		}

		// Saved needs: invalid input named beside the field, then saved.
		p = buyer.postForm("/saved-needs", url.Values{"text": {""}, "kind": {"achievement"}, "webhook_url": {"ftp://x"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid saved need: %d", p.status)
		}
		mustContain(t, p, "回调地址须为 http(s) 网址", "请选择自己的发布或填写检索文本")
		p = buyer.postForm("/saved-needs", url.Values{"text": {"固态电解质"}, "kind": {"achievement"}, "min_score": {"1"}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.url.Path, "/saved-needs/") {
			t.Fatalf("create saved need: %d at %s", p.status, p.url)
		}
		mustContain(t, p, `<a href="/listings/`+tech.ID+`">`, "已发出的提醒")
		savedPath := p.url.Path
		if p := buyer.get("/saved-needs"); !strings.Contains(p.body, `href="`+savedPath+`"`) {
			t.Error("the saved need is not listed")
		}
		other := e.browser()
		other.login("operator@exchange.test")
		if p := other.get(savedPath); p.status != http.StatusNotFound {
			t.Errorf("someone else's saved need: %d", p.status)
		}
		if p := other.postForm(savedPath+"/delete", url.Values{}); p.status != http.StatusNotFound {
			t.Errorf("deleting someone else's saved need: %d", p.status)
		}
		if p := buyer.postForm(savedPath+"/delete", url.Values{}); p.status != http.StatusOK || !regexp.MustCompile(`订阅已删除`).MatchString(p.body) {
			t.Errorf("delete: %d at %s", p.status, p.url)
		}
	})
}
