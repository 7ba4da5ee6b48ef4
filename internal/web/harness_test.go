package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/web"
)

var system = domain.SystemActor("web-test")

const password = "correct-horse-battery"

// env is a running server over a test database with three organisations: a
// university that sells, a company that buys, and the exchange that reviews.
type env struct {
	t        testing.TB
	a        *app.App
	srv      *httptest.Server
	uni      identity.Org
	company  identity.Org
	exchange identity.Org
}

func newEnv(t testing.TB, db *store.DB, cfg app.Config) *env {
	t.Helper()
	ctx := context.Background()
	if cfg.CookieSecure == "" {
		cfg.CookieSecure = "auto"
	}
	a := app.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
	if err := a.Matching.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, a: a}
	e.srv = httptest.NewServer(server.New(a, web.Register))
	t.Cleanup(e.srv.Close)
	mk := func(zh, en, typ, region, body string) identity.Org {
		o, err := a.Identity.CreateOrg(ctx, system, identity.OrgInput{NameZh: zh, NameEn: en, Type: typ, RegionCode: region,
			USCC: domain.MakeUSCC('1', '2', region, body)})
		if err != nil {
			t.Fatalf("create org %s: %v", zh, err)
		}
		return o
	}
	e.uni = mk("华东理工测试大学", "East China Test University", "university", "310104", "400001234")
	e.company = mk("星河新材料有限公司", "Galaxy New Materials Co.", "enterprise", "320506", "400005678")
	e.exchange = mk("测试技术交易所", "Test Technology Exchange", "exchange", "110108", "40000901X")
	e.user("seller@uni.test", "李老师", domain.OrgRole{OrgID: e.uni.ID, Role: domain.RoleSeller})
	e.user("buyer@company.test", "王经理", domain.OrgRole{OrgID: e.company.ID, Role: domain.RoleBuyer})
	e.user("operator@exchange.test", "赵审核", domain.OrgRole{OrgID: e.exchange.ID, Role: domain.RoleOperator})
	return e
}

func (e *env) user(email, name string, roles ...domain.OrgRole) {
	e.t.Helper()
	if _, err := e.a.Identity.CreateUser(context.Background(), system, identity.UserInput{
		Email: email, Name: name, Password: password, Roles: roles}); err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
}

// published creates a listing of the university directly through the service and
// publishes it, for tests that start from a live market.
func (e *env) published(in listing.Input) listing.Listing {
	e.t.Helper()
	id := mustPublish(e.t, e, in)
	l, err := e.a.Listings.Get(context.Background(), system, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func mustPublish(tb testing.TB, e *env, in listing.Input) string {
	tb.Helper()
	ctx := context.Background()
	l, err := e.a.Listings.Create(ctx, system, e.uni.ID, in, true)
	if err != nil {
		tb.Fatalf("create listing: %v", err)
	}
	if _, err = e.a.Listings.Review(ctx, system, l.ID, true, ""); err != nil {
		tb.Fatalf("publish listing: %v", err)
	}
	return l.ID
}

func sampleAchievement() listing.Input {
	price := int64(150_000_000) // 150 万元
	return listing.Input{
		Kind: listing.KindAchievement, TitleZh: "高安全固态锂电池电解质", TitleEn: "High-safety solid-state lithium battery electrolyte",
		SummaryZh: "一种不易燃的固态电解质，室温离子电导率高，适用于动力电池。",
		SummaryEn: "A non-flammable solid electrolyte with high room-temperature conductivity for traction batteries.",
		DetailZh:  "机密工艺：LLZO掺杂比例 SECRET-RECIPE-42",
		Field:     "NE", IPCCodes: []string{"H01M 10/0562"}, TRL: 5, TRLEvidence: "中试线检测报告",
		TransferModes: []string{"transfer", "licence_exclusive"}, PriceType: "indicative", PriceFen: &price,
		RegionCode: "310104", IPItems: []listing.IPItem{{Type: "invention_patent", Number: "ZL202110000001.2", Title: "固态电解质", Status: "granted"}},
		Owners: []listing.Owner{{Name: "华东理工测试大学", ShareBP: 7000}, {Name: "某研究院", ShareBP: 3000}},
	}
}

// browser is one visitor with its own cookies.
type browser struct {
	t    testing.TB
	c    *http.Client
	base string
	lang string // Accept-Language sent, empty for none
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, c: &http.Client{Jar: jar}, base: e.srv.URL}
}

type page struct {
	status int
	body   string
	url    *url.URL // after redirects
	header http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(body), url: resp.Request.URL, header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf reads the token the pages of a signed-in browser carry.
func (b *browser) csrf() string {
	b.t.Helper()
	p := b.get("/my/listings")
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("no csrf_token on the page (status %d)", p.status)
	}
	return m[1]
}

// postForm posts with the session's CSRF token, as the pages' forms do.
func (b *browser) postForm(path string, form url.Values) page {
	b.t.Helper()
	form.Set("csrf_token", b.csrf())
	return b.post(path, form)
}

func (b *browser) login(email string) {
	b.t.Helper()
	p := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusOK || p.url.Path == "/login" {
		b.t.Fatalf("login %s: status %d at %s", email, p.status, p.url)
	}
}

func mustContain(t *testing.T, p page, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("page %s (status %d) does not contain %q", p.url, p.status, w)
		}
	}
}

func mustNotContain(t *testing.T, p page, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("page %s (status %d) contains %q", p.url, p.status, w)
		}
	}
}
