package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/httpapi"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/server"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
	"github.com/techmarket-org/techmarket/internal/web"
)

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// TestAuctionPageUpdatesLive: a bidder watches the live auction page in the
// browser; another bidder, in another session, bids through the web form late
// in the auction; the first bidder's page shows the new price, the bid and the
// anti-sniping extension without a reload.
func TestAuctionPageUpdatesLive(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(app.Config{CookieSecure: "auto"}, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), db)
		if err := a.Deals.EnsureSeed(ctx); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		now := time.Now().UTC()
		a.Deals.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		sys := domain.SystemActor("e2e")
		org := func(name, typ, code string) identity.Org {
			o, err := a.Identity.CreateOrg(ctx, sys, identity.OrgInput{NameZh: name, Type: typ, USCC: domain.MakeUSCC('9', '1', "440305", code), RegionCode: "440305"})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		uni, b1, b2 := org("南山理工大学", "university", "MA00000A1"), org("前海电子有限公司", "enterprise", "MA00000A2"), org("蛇口装备有限公司", "enterprise", "MA00000A3")
		actors := map[string]domain.Actor{}
		for email, r := range map[string]domain.OrgRole{
			"seller@e2e.cn": {OrgID: uni.ID, Role: domain.RoleSeller},
			"b1@e2e.cn":     {OrgID: b1.ID, Role: domain.RoleBuyer},
			"b2@e2e.cn":     {OrgID: b2.ID, Role: domain.RoleBuyer},
		} {
			if _, err := a.Identity.CreateUser(ctx, sys, identity.UserInput{Email: email, Name: email, Password: "e2e-password-1", Roles: []domain.OrgRole{r}}); err != nil {
				t.Fatal(err)
			}
			act, err := a.Identity.Login(ctx, email, "e2e-password-1", "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			actors[email] = act
		}
		price := int64(80_000_000)
		l, err := a.Listings.Create(ctx, sys, uni.ID, listing.Input{Kind: listing.KindAchievement, TitleZh: "柔性钙钛矿电池封装工艺",
			SummaryZh: "一种水氧阻隔封装工艺。", Field: "NE", TRL: 5, TRLEvidence: "检测报告", TransferModes: []string{"transfer"},
			PriceType: "indicative", PriceFen: &price, RegionCode: "440305"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Listings.Review(ctx, sys, l.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		nda, err := a.Deals.CurrentNDA(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"b1@e2e.cn", "b2@e2e.cn"} {
			d, err := a.Deals.ExpressInterest(ctx, actors[email], deal.InterestInput{ListingID: l.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Deals.AcceptNDA(ctx, actors[email], d.ID, nda.Version); err != nil {
				t.Fatal(err)
			}
		}
		end := now.Add(10 * time.Minute)
		sale, err := a.Deals.OpenSale(ctx, actors["seller@e2e.cn"], deal.SaleInput{ListingID: l.ID, Method: rules.English,
			StartPriceFen: 80_000_000, EndsAt: &end})
		if err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"b1@e2e.cn", "b2@e2e.cn"} {
			if _, err := a.Deals.RegisterBidder(ctx, actors[email], sale.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		srv := httptest.NewServer(server.New(a, httpapi.Register, web.Register))
		defer srv.Close()
		auctionURL := srv.URL + "/auctions/" + sale.ID

		bctx := newBrowser(t, exe)

		err = chromedp.Do(bctx,
			signIn(srv.URL, "b1@e2e.cn"),
			chromedp.Navigate(auctionURL),
			chromedp.WaitVisible(chromedp.CSS(`#current-price`)),
			// The event stream is connected once the status line says so.
			chromedp.Poll[chromedp.Void](`document.getElementById("live-status").textContent === document.getElementById("live-status").dataset.sseText`,
				chromedp.WithPollingTimeout(15*time.Second)),
			chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`),
		)
		if err != nil {
			t.Fatalf("the bidder opens the live page: %v", err)
		}

		// Nine minutes in, the other bidder bids from its own session through the form.
		mu.Lock()
		now = now.Add(9 * time.Minute)
		mu.Unlock()
		other := newSession(t, srv.URL, "b2@e2e.cn")
		token := csrfField.FindStringSubmatch(other.get(t, "/auctions/"+sale.ID))
		if token == nil {
			t.Fatal("no csrf token on the other bidder's page")
		}
		other.post(t, "/auctions/"+sale.ID+"/bids", url.Values{"csrf_token": {token[1]}, "amount_yuan": {"850000"}})

		got, err := chromedp.Run(bctx, chromedp.Poll[string](`window.__sameDocument === true &&
			document.getElementById("bid-count").textContent === "1" &&
			!document.getElementById("extension").hidden &&
			document.querySelector("#bid-history tbody tr") !== null &&
			document.getElementById("current-price").textContent + " | " + document.getElementById("extension").textContent + " | " +
			document.querySelector("#bid-history tbody tr").textContent`, chromedp.WithPollingTimeout(15*time.Second)))
		if err != nil {
			t.Fatalf("the page did not update without a reload: %v", err)
		}
		if !strings.Contains(got, "85 万元") || !strings.Contains(got, "延时 1 次") || !strings.Contains(got, "竞买人 2") {
			t.Fatalf("live page shows %q", got)
		}

		// Without EventSource (old browsers, proxies that break streams) the page polls.
		noEventSource := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: "delete window.EventSource;"})
			return err
		})
		err = chromedp.Do(bctx, noEventSource, chromedp.Navigate(auctionURL), chromedp.WaitVisible(chromedp.CSS(`#current-price`)),
			chromedp.Poll[chromedp.Void](`document.getElementById("live-status").textContent === document.getElementById("live-status").dataset.pollText`,
				chromedp.WithPollingTimeout(15*time.Second)),
			chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
		if err != nil {
			t.Fatalf("the page does not fall back to polling: %v", err)
		}
		if _, err := a.Deals.PlaceBid(ctx, actors["b1@e2e.cn"], sale.ID, deal.BidInput{AmountFen: 86_000_000}); err != nil {
			t.Fatal(err)
		}
		got, err = chromedp.Run(bctx, chromedp.Poll[string](`window.__sameDocument === true &&
			document.getElementById("bid-count").textContent === "2" && !document.getElementById("you-lead").hidden &&
			document.getElementById("current-price").textContent`, chromedp.WithPollingTimeout(15*time.Second)))
		if err != nil || !strings.Contains(got, "86 万元") {
			t.Fatalf("the polling page did not update: %q %v", got, err)
		}
		if dir := os.Getenv("TECHMARKET_SCREENSHOT_DIR"); dir != "" {
			if png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)); err == nil { // 100: PNG
				_ = os.WriteFile(filepath.Join(dir, "auction-"+db.Dialect().String()+".png"), png, 0o644)
			}
		}
	})
}

// session is a second signed-in visitor with its own cookies.
type session struct {
	c    *http.Client
	base string
}

func newSession(t *testing.T, base, email string) *session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &session{c: &http.Client{Jar: jar}, base: base}
	s.post(t, "/login", url.Values{"email": {email}, "password": {"e2e-password-1"}})
	return s
}

func (s *session) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := s.c.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (s *session) post(t *testing.T, path string, form url.Values) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.base)
	resp, err := s.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: status %d\n%.400s", path, resp.StatusCode, b)
	}
}
