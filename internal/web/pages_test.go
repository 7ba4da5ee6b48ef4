package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestAnonymousPagesInBothLanguages(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		l := e.published(sampleAchievement())
		zhOnly := sampleAchievement()
		zhOnly.TitleZh, zhOnly.TitleEn, zhOnly.SummaryEn = "仅有中文标题的成果", "", ""
		e.published(zhOnly)

		zh := e.browser()
		for _, path := range []string{"/", "/listings", "/listings/" + l.ID} {
			p := zh.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, p.status)
			}
			mustContain(t, p, `<html lang="zh-CN">`, "技术交易市场", "高安全固态锂电池电解质")
		}
		home := zh.get("/")
		mustContain(t, home, "已发布科技成果", `<svg class="chart"`, "新能源与高效节能", `href="/listings?field=NE"`)
		mustContain(t, zh.get("/listings/"+l.ID), "150 万元", "参考价", "部件或模块在相关环境中验证", "70%", "ZL202110000001.2")

		en := e.browser()
		en.lang = "en-US,en;q=0.9"
		for _, path := range []string{"/", "/listings", "/listings/" + l.ID} {
			p := en.get(path)
			mustContain(t, p, `<html lang="en">`, "Technology Market", "High-safety solid-state lithium battery electrolyte")
		}
		mustContain(t, en.get("/listings/"+l.ID), "¥1,500,000", "Indicative", "Component validated in a relevant environment")
		// A listing with only a Chinese title shows it on English pages too.
		mustContain(t, en.get("/listings"), "仅有中文标题的成果", "2 results")

		// The switch: ?lang=en wins over Accept-Language and is remembered.
		sw := e.browser()
		sw.lang = "zh-CN"
		mustContain(t, sw.get("/?lang=en"), `<html lang="en">`)
		mustContain(t, sw.get("/listings"), `<html lang="en">`, `href="/listings?lang=zh"`)
		mustContain(t, sw.get("/listings?lang=zh"), `<html lang="zh-CN">`)
	})
}

func TestLoginErrorsAndRedirects(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		b := e.browser()
		p := b.post("/login", url.Values{"email": {"seller@uni.test"}, "password": {"wrong password!"}})
		if p.status != http.StatusUnauthorized {
			t.Fatalf("wrong password: status %d", p.status)
		}
		mustContain(t, p, "电子邮箱或密码不正确", `value="seller@uni.test"`)
		b.lang = "en"
		mustContain(t, b.post("/login", url.Values{"email": {"seller@uni.test"}, "password": {"nope nope nope"}}), "Wrong e-mail or password")

		// A page that needs an account sends the visitor to log in and back.
		p = b.get("/my/listings")
		if p.url.Path != "/login" || p.url.Query().Get("next") != "/my/listings" {
			t.Fatalf("anonymous /my/listings ended at %s", p.url)
		}
		p = b.post("/login", url.Values{"email": {"seller@uni.test"}, "password": {password}, "next": {"/my/listings"}})
		if p.url.Path != "/my/listings" || p.status != http.StatusOK {
			t.Fatalf("after login: %d at %s", p.status, p.url)
		}
		mustContain(t, p, "My listings", "李老师")

		// The post-login destination is always local.
		other := e.browser()
		p = other.post("/login", url.Values{"email": {"buyer@company.test"}, "password": {password}, "next": {"//evil.example/x"}})
		if p.url.Host != strings.TrimPrefix(e.srv.URL, "http://") || p.url.Path != "/" {
			t.Fatalf("open redirect: ended at %s", p.url)
		}

		// Logging out ends the session on the server.
		p = b.postForm("/logout", url.Values{})
		mustContain(t, p, "You are signed out")
		if p := b.get("/my/listings"); p.url.Path != "/login" {
			t.Fatalf("still signed in after logout: %s", p.url)
		}
	})
}

func TestSessionCookieFlags(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{CookieSecure: "true"})
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(e.srv.URL+"/login", url.Values{"email": {"seller@uni.test"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var sess *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == server.SessionCookie {
				sess = ck
			}
		}
		if resp.StatusCode != http.StatusSeeOther || sess == nil {
			t.Fatalf("login: status %d, session cookie %v", resp.StatusCode, sess)
		}
		if !sess.HttpOnly || !sess.Secure || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" {
			t.Fatalf("session cookie flags: %+v", sess)
		}
	})
}

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		l := e.published(sampleAchievement())
		b := e.browser()
		b.login("seller@uni.test")
		for _, path := range []string{"/listings/new", "/listings/" + l.ID + "/withdraw", "/logout", "/notifications/read"} {
			if p := b.post(path, url.Values{"kind": {"achievement"}, "title_zh": {"x"}}); p.status != http.StatusForbidden {
				t.Errorf("POST %s without csrf_token: status %d, want 403", path, p.status)
			}
		}
		if p := b.post("/listings/"+l.ID+"/withdraw", url.Values{"csrf_token": {"forged"}}); p.status != http.StatusForbidden {
			t.Errorf("forged token: status %d", p.status)
		}
		got, err := e.a.Listings.Get(context.Background(), system, l.ID)
		if err != nil || got.Status != listing.StatusPublished {
			t.Fatalf("listing changed by refused requests: %v %s", err, got.Status)
		}
	})
}

// validAchievementForm is a complete publish form as a browser would send it.
func validAchievementForm() url.Values {
	return url.Values{
		"kind": {"achievement"}, "title_zh": {"农业废弃物制备生物炭技术"}, "title_en": {"Biochar from farm waste"},
		"summary_zh": {"将秸秆转化为高比表面积生物炭，用于土壤改良。"}, "summary_en": {"Turns straw into high-surface biochar for soil."},
		"detail_zh": {"热解温度曲线 CONFIDENTIAL-CURVE-7"}, "field": {"ENV"}, "ipc_codes": {"c01b 32/05, A01G"},
		"trl": {"6"}, "trl_evidence": {"中试报告"}, "transfer_modes": {"transfer", "equity"},
		"price_type": {"floor"}, "price": {"12.5"}, "price_unit": {"wan"}, "region_code": {"310104"},
		"validity_months":  {"12"},
		"ip_items[0].type": {"invention_patent"}, "ip_items[0].number": {"ZL201910000002.3"}, "ip_items[0].status": {"granted"}, "ip_items[0].territory": {"cn"},
		"ip_items[1].type": {""}, "ip_items[1].number": {""}, // an untouched empty row
		"owners[0].name": {"华东理工测试大学"}, "owners[0].share_pct": {"66.67"},
		"owners[1].name": {"合作企业"}, "owners[1].share_pct": {"33.33%"},
		"action": {"submit"},
	}
}

func TestPublishReviewAndFind(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, app.Config{})
		seller := e.browser()
		seller.login("seller@uni.test")
		mustContain(t, seller.get("/listings/new?kind=achievement"), "发布科技成果", `name="title_zh"`, `name="ip_items[0].number"`)

		p := seller.postForm("/listings/new", validAchievementForm())
		if p.status != http.StatusOK || !strings.HasPrefix(p.url.Path, "/listings/") {
			t.Fatalf("create: status %d at %s\n%s", p.status, p.url, p.body)
		}
		id := strings.TrimPrefix(p.url.Path, "/listings/")
		mustContain(t, p, "已提交审核", "待审核", "CONFIDENTIAL-CURVE-7", "12.5 万元")

		stored, err := e.a.Listings.Get(ctx, system, id)
		if err != nil {
			t.Fatal(err)
		}
		if stored.PriceFen == nil || *stored.PriceFen != 12_500_000 {
			t.Errorf("12.5 万元 stored as %v fen, want 12500000", stored.PriceFen)
		}
		if len(stored.Owners) != 2 || stored.Owners[0].ShareBP != 6667 || stored.Owners[1].ShareBP != 3333 {
			t.Errorf("shares stored as %+v", stored.Owners)
		}
		if len(stored.IPItems) != 1 || stored.IPItems[0].Territory != "CN" || strings.Join(stored.IPCCodes, ",") != "A01G,C01B 32/05" {
			t.Errorf("rows stored as %+v, IPC %v", stored.IPItems, stored.IPCCodes)
		}

		anon := e.browser()
		if p := anon.get("/listings/" + id); p.status != http.StatusNotFound {
			t.Fatalf("unpublished listing visible to the public: %d", p.status)
		}
		mustContain(t, anon.get("/listings?q=biochar"), "共 0 条结果")

		op := e.browser()
		op.login("operator@exchange.test")
		queue := op.get("/review")
		mustContain(t, queue, "审核队列", "农业废弃物制备生物炭技术", `action="/listings/`+id+`/review"`)
		p = op.postForm("/listings/"+id+"/review", url.Values{"decision": {"approve"}, "back": {"/review"}})
		if p.url.Path != "/review" {
			t.Fatalf("after approve: %d at %s", p.status, p.url)
		}
		mustContain(t, p, "已审核通过并发布", "目前没有待审核的发布")

		for _, q := range []string{"/listings?q=biochar", "/listings?q=" + url.QueryEscape("生物炭") + "&kind=achievement&field=ENV&mode=equity&province=31&trl_min=5&trl_max=7&state_owned=no"} {
			res := anon.get(q)
			mustContain(t, res, "共 1 条结果", "农业废弃物制备生物炭技术")
			mustNotContain(t, res, "CONFIDENTIAL-CURVE-7")
		}
		mustContain(t, anon.get("/listings?q=biochar&field=EI"), "共 0 条结果")
		mustContain(t, anon.get("/"), "农业废弃物制备生物炭技术")

		// The owner is told, with an unread count in the header.
		notes := seller.get("/notifications")
		mustContain(t, notes, "您的发布已通过审核", `class="count"`)
		seller.postForm("/notifications/read", url.Values{})
		mustNotContain(t, seller.get("/notifications"), `class="count"`)
	})
}

func TestBadInputShowsFieldErrorsAndSavesNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		b := e.browser()
		b.login("seller@uni.test")
		form := validAchievementForm()
		form.Set("title_zh", "")
		form.Set("title_en", "")
		form.Set("field", "")
		form.Set("price", "12.5.3")
		form.Set("trl_evidence", "保留我输入的佐证")
		form.Set("region_code", "990000")
		form.Set("owners[1].share_pct", "30")
		form.Set("ip_items[0].number", "")
		p := b.postForm("/listings/new", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", p.status)
		}
		mustContain(t, p, `id="error-summary"`, "必须填写中文或英文标题", "技术领域无效", "请填写金额",
			"行政区划代码无效", "共有人份额合计为 96.67%", "须填写专利号或登记号",
			// what the user typed comes back
			`value="12.5.3"`, "保留我输入的佐证", `value="66.67"`)
		for _, name := range []string{"title_zh", "field", "price", "region_code", "ip_items-0-number"} {
			assertErrorBeside(t, p.body, "f-"+name)
		}
		mine, err := e.a.Listings.Mine(context.Background(), actorOf(t, e, "seller@uni.test"))
		if err != nil || len(mine) != 0 {
			t.Fatalf("bad input saved something: %v %v", mine, err)
		}

		// Messages follow the language.
		b.lang = "en"
		b.c.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{{Name: server.LangCookie, Value: "en"}})
		p = b.postForm("/listings/new", form)
		mustContain(t, p, "a title in Chinese or English is required", "co-owner shares add up to 96.67%")

		// A need validates its own fields: the budget range.
		need := url.Values{"kind": {"need"}, "title_zh": {"求购"}, "summary_zh": {"需要"}, "field": {"NM"}, "region_code": {"320506"},
			"budget_min": {"50"}, "budget_min_unit": {"wan"}, "budget_max": {"20000"}, "budget_max_unit": {"yuan"}}
		buyer := e.browser()
		buyer.login("buyer@company.test")
		p = buyer.postForm("/listings/new", need)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("need with min > max: %d", p.status)
		}
		mustContain(t, p, "预算上限低于下限")
		assertErrorBeside(t, p.body, "f-budget_max")
	})
}

// assertErrorBeside checks that the control's error text follows the control
// inside the same field block, i.e. it is shown beside it.
func assertErrorBeside(t *testing.T, body, id string) {
	t.Helper()
	at := strings.Index(body, `id="`+id+`"`)
	errAt := strings.Index(body, `id="`+id+`-error"`)
	if at < 0 || errAt < 0 || errAt < at {
		t.Errorf("no error beside #%s", id)
		return
	}
	if between := body[at:errAt]; fieldBlockStart.MatchString(between) {
		t.Errorf("the error of #%s is not in its field block", id)
	}
	if !regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*aria-invalid="true"`).MatchString(body) {
		t.Errorf("#%s is not marked aria-invalid", id)
	}
}

// fieldBlockStart matches the start of a field block (not "field-error").
var fieldBlockStart = regexp.MustCompile(`class="field[ "]`)

func actorOf(t *testing.T, e *env, email string) domain.Actor {
	t.Helper()
	u, err := e.a.Identity.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return domain.Actor{UserID: u.ID, Name: u.Name, Email: u.Email, Roles: u.Roles}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestConfidentialDetailOnlyForOwnerOperatorAndGranted(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		l := e.published(sampleAchievement())
		path := "/listings/" + l.ID
		const secret = "SECRET-RECIPE-42"

		anon := e.browser()
		p := anon.get(path)
		mustNotContain(t, p, secret)
		mustContain(t, p, "保密内容——签署保密协议（NDA）后可见。")
		anon.lang = "en"
		mustContain(t, anon.get(path+"?lang=en"), "Confidential — visible after NDA.")

		buyer := e.browser()
		buyer.login("buyer@company.test")
		p = buyer.get(path)
		mustNotContain(t, p, secret)
		mustContain(t, p, "签署保密协议（NDA）后可见")
		mustNotContain(t, p, "/listings/"+l.ID+"/edit") // no owner actions for another organisation

		for email, why := range map[string]string{"seller@uni.test": "您所在机构是发布方", "operator@exchange.test": "您是交易机构审核人员"} {
			b := e.browser()
			b.login(email)
			mustContain(t, b.get(path), secret, why)
		}

		// After an NDA the buyer's organisation is granted access.
		if err := e.a.Listings.GrantAccess(context.Background(), e.a.DB, system, l.ID, e.company.ID, "NDA signed"); err != nil {
			t.Fatal(err)
		}
		mustContain(t, buyer.get(path), secret, "已签署保密协议")
	})
}

func TestRejectEditAndLifecycle(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		seller := e.browser()
		seller.login("seller@uni.test")
		p := seller.postForm("/listings/new", validAchievementForm())
		id := strings.TrimPrefix(p.url.Path, "/listings/")

		op := e.browser()
		op.login("operator@exchange.test")
		p = op.postForm("/listings/"+id+"/review", url.Values{"decision": {"reject"}, "reason": {"  "}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("reject without reason: %d", p.status)
		}
		mustContain(t, p, "驳回须填写理由", `id="reason-error"`)
		op.postForm("/listings/"+id+"/review", url.Values{"decision": {"reject"}, "reason": {"摘要过于专业，请说明应用效果"}})

		mine := seller.get("/my/listings")
		mustContain(t, mine, "已驳回", "摘要过于专业，请说明应用效果")

		// The edit form comes back filled, with amounts in their unit and shares in percent.
		edit := seller.get("/listings/" + id + "/edit")
		mustContain(t, edit, `value="12.5"`, `value="66.67"`, `value="ZL201910000002.3"`, `name="version"`)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(edit.body)[1]
		form := validAchievementForm()
		form.Set("version", version)
		form.Set("action", "save")
		form.Set("price", "300000")
		form.Set("price_unit", "yuan")
		p = seller.postForm("/listings/"+id+"/edit", form)
		mustContain(t, p, "已保存为草稿", "30 万元")

		// A stale version is a conflict; what the user typed is kept.
		form.Set("title_zh", "我刚改的标题")
		p = seller.postForm("/listings/"+id+"/edit", form)
		if p.status != http.StatusConflict {
			t.Fatalf("stale edit: %d", p.status)
		}
		mustContain(t, p, "已被他人修改", "我刚改的标题")

		seller.postForm("/listings/"+id+"/submit", url.Values{})
		op.postForm("/listings/"+id+"/review", url.Values{"decision": {"approve"}})
		p = seller.postForm("/listings/"+id+"/renew", url.Values{})
		mustContain(t, p, "已续期", "已发布")
		p = seller.postForm("/listings/"+id+"/withdraw", url.Values{})
		mustContain(t, p, "已撤回")
		mustNotContain(t, p, "/listings/"+id+"/edit")

		// Operators cannot edit, buyers cannot review.
		if p := op.get("/listings/" + id + "/edit"); p.status != http.StatusForbidden {
			t.Errorf("operator edit form: %d", p.status)
		}
		buyer := e.browser()
		buyer.login("buyer@company.test")
		if p := buyer.get("/review"); p.status != http.StatusForbidden {
			t.Errorf("buyer review queue: %d", p.status)
		}
		if p := buyer.get("/listings/new?kind=achievement"); p.status != http.StatusForbidden {
			t.Errorf("buyer offering a technology: %d", p.status)
		}
		mustContain(t, buyer.get("/listings/new?kind=need"), "发布技术需求", `name="budget_min"`)
	})
}

func TestAddRowWithoutJavaScript(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		b := e.browser()
		b.login("seller@uni.test")
		form := validAchievementForm()
		form.Set("action", "add_owner")
		p := b.postForm("/listings/new", form)
		if p.status != http.StatusOK {
			t.Fatalf("add row: %d", p.status)
		}
		mustContain(t, p, `name="owners[2].name"`, `value="合作企业"`)
		mustNotContain(t, p, `id="error-summary"`)
		if mine, _ := e.a.Listings.Mine(context.Background(), actorOf(t, e, "seller@uni.test")); len(mine) != 0 {
			t.Fatalf("adding a row saved the listing")
		}
	})
}

func TestErrorPagesAndStaticFiles(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		b := e.browser()
		p := b.get("/no/such/page")
		if p.status != http.StatusNotFound {
			t.Fatalf("404 page: %d", p.status)
		}
		mustContain(t, p, "页面不存在", `<html lang="zh-CN">`)
		if p := b.get("/listings/01900000-0000-7000-8000-000000000000"); p.status != http.StatusNotFound {
			t.Errorf("unknown listing: %d", p.status)
		}
		if p := b.get("/api/v1/nothing-here"); p.status != http.StatusNotFound || !strings.Contains(p.header.Get("Content-Type"), "problem+json") {
			t.Errorf("unknown API path: %d %s", p.status, p.header.Get("Content-Type"))
		}

		home := b.get("/")
		if csp := home.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP: %q", csp)
		}
		href := regexp.MustCompile(`href="(/static/site\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home.body)
		if href == nil {
			t.Fatal("no hashed stylesheet link")
		}
		css := b.get(href[1])
		if css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") ||
			!strings.Contains(css.header.Get("Cache-Control"), "immutable") {
			t.Fatalf("stylesheet: %d %v", css.status, css.header)
		}
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+href[1], nil)
		req.Header.Set("If-None-Match", css.header.Get("ETag"))
		if p := b.do(req); p.status != http.StatusNotModified {
			t.Errorf("conditional request: %d", p.status)
		}
		if p := b.get("/static/../web.go"); p.status != http.StatusNotFound {
			t.Errorf("path traversal: %d", p.status)
		}
	})
}

var (
	controlTag = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idAttr     = regexp.MustCompile(`\bid="([^"]+)"`)
	typeAttr   = regexp.MustCompile(`\btype="([^"]+)"`)
)

// Every visible form control on the pages with forms has a <label for>.
func TestEveryControlHasALabel(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, app.Config{})
		l := e.published(sampleAchievement())
		seller := e.browser()
		seller.login("seller@uni.test")
		buyer := e.browser()
		buyer.login("buyer@company.test")
		op := e.browser()
		op.login("operator@exchange.test")
		pages := []page{
			seller.get("/listings/new?kind=achievement"), seller.get("/listings/" + l.ID + "/edit"),
			buyer.get("/listings/new?kind=need"), e.browser().get("/listings"), e.browser().get("/"),
			e.browser().get("/login"), op.get("/listings/" + l.ID),
		}
		for _, p := range pages {
			// The JavaScript row template is checked too: it is the same markup.
			for _, tag := range controlTag.FindAllString(p.body, -1) {
				if ty := typeAttr.FindStringSubmatch(tag); ty != nil && (ty[1] == "hidden" || ty[1] == "submit") {
					continue
				}
				id := idAttr.FindStringSubmatch(tag)
				if id == nil {
					t.Errorf("%s: control without id: %s", p.url.Path, tag)
					continue
				}
				if !strings.Contains(p.body, `for="`+id[1]+`"`) {
					t.Errorf("%s: no <label for=%q>", p.url.Path, id[1])
				}
			}
		}
	})
}
