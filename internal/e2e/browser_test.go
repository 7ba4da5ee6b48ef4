// Package e2e drives the real web UI in headless Chromium: a seller signs in and
// submits a listing through the form, an operator approves it in the review
// queue, and the public finds it with the search box.
package e2e

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/httpapi"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
	"github.com/techmarket-org/techmarket/internal/web"
)

func TestSellerSubmitsOperatorApprovesPublicFinds(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(app.Config{CookieSecure: "auto"}, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), db)
		if err := a.Matching.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
		sys := domain.SystemActor("e2e")
		org := func(name, typ, code string) identity.Org {
			o, err := a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: domain.MakeUSCC('9', '1', "440305", code), RegionCode: "440305"})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		uni, exch := org("南山理工大学", "university", "MA00000E1"), org("深圳技术交易所", "exchange", "MA00000E2")
		for email, r := range map[string]domain.OrgRole{
			"seller@e2e.cn": {OrgID: uni.ID, Role: domain.RoleSeller},
			"op@e2e.cn":     {OrgID: exch.ID, Role: domain.RoleOperator},
		} {
			if _, err := a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "e2e-password-1", Roles: []domain.OrgRole{r}}); err != nil {
				t.Fatal(err)
			}
		}
		srv := httptest.NewServer(server.New(a, httpapi.Register, web.Register))
		defer srv.Close()

		bctx := newBrowser(t, exe)
		login := func(email string) chromedp.Action[chromedp.Void] { return signIn(srv.URL, email) }

		title := "量子点显示膜浏览器测试"
		err := chromedp.Do(bctx,
			login("seller@e2e.cn"),
			// An incomplete form is refused with the error beside the field and nothing saved.
			chromedp.Navigate(srv.URL+"/listings/new?kind=achievement"),
			chromedp.WaitVisible(chromedp.CSS(`[name=title_zh]`)),
			loadsPage(chromedp.Click(chromedp.CSS(`button[name=action][value=submit]`))),
			chromedp.WaitVisible(chromedp.CSS(`.field-error`)),
			// Now fill it in properly.
			chromedp.SetValue(chromedp.CSS(`[name=title_zh]`), title),
			chromedp.SetValue(chromedp.CSS(`[name=summary_zh]`), "一种高色域量子点显示膜，色域达到110% NTSC。"),
			chromedp.SetValue(chromedp.CSS(`[name=field]`), "NM"),
			chromedp.SetValue(chromedp.CSS(`[name=trl]`), "5"),
			chromedp.SetValue(chromedp.CSS(`[name=trl_evidence]`), "第三方检测报告"),
			chromedp.SetValue(chromedp.CSS(`[name=region_code]`), "440305"),
			chromedp.SetValue(chromedp.CSS(`[name=price_type]`), "negotiable"),
			chromedp.Click(chromedp.CSS(`input[name=transfer_modes][value=licence_ordinary]`)),
			loadsPage(chromedp.Click(chromedp.CSS(`button[name=action][value=submit]`))),
			chromedp.WaitVisible(chromedp.CSS(`.badge`)),
		)
		if err != nil {
			t.Fatalf("seller submits: %v", err)
		}
		detailURL, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		err = chromedp.Do(bctx,
			// The operator approves it from the review queue.
			login("op@e2e.cn"),
			chromedp.Navigate(srv.URL+"/review"),
			chromedp.WaitVisible(chromedp.CSS(`form[action$="/review"]:not(.reject-form) button`)),
			loadsPage(chromedp.Click(chromedp.CSS(`form[action$="/review"]:not(.reject-form) button`))),
			chromedp.WaitVisible(chromedp.CSS(`.empty`)), // the queue is now empty
			// The public finds it with the search box.
			clearCookies,
			chromedp.Navigate(srv.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "量子点显示"),
			loadsPage(chromedp.Submit(chromedp.CSS(`input[name=q]`))),
			chromedp.WaitVisible(chromedp.CSS(`.card-title`)),
		)
		if err != nil {
			t.Fatalf("operator approves, public searches: %v", err)
		}
		body, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`body`)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(detailURL, "/listings/") {
			t.Fatalf("after submitting, the browser is at %s, not the listing", detailURL)
		}
		if !strings.Contains(body, title) {
			t.Fatalf("published listing not found by search; page text:\n%.600s", body)
		}
		if dir := os.Getenv("TECHMARKET_SCREENSHOT_DIR"); dir != "" {
			if png, err := chromedp.Run(bctx, chromedp.FullScreenshot(80)); err == nil {
				_ = os.WriteFile(filepath.Join(dir, "search-"+db.Dialect().String()+".jpg"), png, 0o644)
			}
		}
	})
}
