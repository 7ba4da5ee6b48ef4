package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestOrgProfileAndEnterpriseMatchPages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		ctx := context.Background()
		path := "/orgs/" + e.company.ID + "/profile"

		// Public page, no form for visitors or people of other organisations.
		anon := e.browser()
		p := anon.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("profile page: %d", p.status)
		}
		mustContain(t, p, "星河新材料有限公司", "该机构尚未填写简介")
		mustNotContain(t, p, `name="scope_zh"`)
		outsider := e.browser()
		outsider.login("seller@uni.test")
		mustNotContain(t, outsider.get(path), `name="scope_zh"`)
		if p := outsider.postForm(path, url.Values{"scope_zh": {"x"}}); p.status != http.StatusForbidden {
			t.Errorf("another organisation's seller posting a profile: %d", p.status)
		}

		// The company's own buyer edits it: errors beside the field, then saved.
		buyer := e.browser()
		buyer.login("buyer@company.test")
		mustContain(t, buyer.get("/my/listings"), `href="`+path+`"`)
		p = buyer.get(path)
		mustContain(t, p, `name="scope_zh"`, `name="fields"`, "经营范围/简介（中文）")
		p = buyer.postForm(path, url.Values{"scope_zh": {"固态电池"}, "fields": {"NE"}, "ipc_codes": {"H01M, nonsense"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="ipc_codes-error"`) || !strings.Contains(p.body, "nonsense") {
			t.Fatalf("bad IPC: %d %s", p.status, p.body)
		}
		p = buyer.postForm(path, url.Values{"scope_zh": {"固态锂电池电解质与动力电池材料的研发生产。"}, "scope_en": {"Solid-state lithium battery electrolytes."},
			"fields": {"NE", "NM"}, "ipc_codes": {"H01M 10/0562"}})
		if p.status != http.StatusOK || !strings.Contains(p.body, "简介已保存") {
			t.Fatalf("save: %d %s", p.status, p.body)
		}
		mustContain(t, p, "固态锂电池电解质与动力电池材料的研发生产。", "新材料及其应用", "H01M 10/0562")
		prof, _ := e.a.Identity.GetProfile(ctx, e.company.ID)
		if prof.ScopeEn != "Solid-state lithium battery electrolytes." || strings.Join(prof.Fields, ",") != "NE,NM" {
			t.Errorf("stored %+v", prof)
		}

		// The achievement's matches page shows the company, which never
		// posted a need, in both languages; a need's page has no section.
		tech := e.published(sampleAchievement())
		p = buyer.get("/listings/" + tech.ID + "/matches")
		mustContain(t, p, "可能需要该成果的企业", `href="`+path+`"`, "星河新材料有限公司", "<mark>", "技术领域相同", "匹配原因")
		mustNotContain(t, p, "SECRET-RECIPE-42")
		en := e.browser()
		en.lang = "en"
		en.login("operator@exchange.test")
		p = en.get("/listings/" + tech.ID + "/matches?lang=en")
		mustContain(t, p, "Enterprises that may want this", "Galaxy New Materials Co.", "<mark>electrolytes</mark>", "shares a technology field")
		if p := en.get("/listings/" + tech.ID); !strings.Contains(p.body, `href="/orgs/`+e.uni.ID+`/profile"`) {
			t.Error("the listing page does not link to its owner's profile")
		}
	})
}
