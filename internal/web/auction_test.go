package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// testClock is a settable clock for the deal service.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// englishAuction opens a 30-minute English auction of a fresh listing on the
// platform venue (increment 1,000 yuan, 2-minute anti-sniping, no deposit),
// with the company's buyer and a second buyer registered through the service.
func englishAuction(t *testing.T, e *env) (deal.Sale, *testClock) {
	t.Helper()
	return openAuction(t, e, rules.English)
}

func openAuction(t *testing.T, e *env, method rules.Method) (deal.Sale, *testClock) {
	t.Helper()
	ctx := context.Background()
	clk := &testClock{now: time.Now().UTC()}
	e.a.Deals.SetClock(clk.get)
	e.secondBuyer()
	l := e.published(sampleAchievement())
	nda, err := e.a.Deals.CurrentNDA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"buyer@company.test", "buyer2@morning.test"} {
		a := e.actor(email)
		d, err := e.a.Deals.ExpressInterest(ctx, a, deal.InterestInput{ListingID: l.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Deals.AcceptNDA(ctx, a, d.ID, nda.Version); err != nil {
			t.Fatal(err)
		}
	}
	end := clk.get().Add(30 * time.Minute)
	sale, err := e.a.Deals.OpenSale(ctx, e.actor("seller@uni.test"), deal.SaleInput{ListingID: l.ID, Method: method,
		StartPriceFen: 100_000_000, EndsAt: &end})
	if err != nil {
		t.Fatal(err)
	}
	return sale, clk
}

var bidError = regexp.MustCompile(`(?s)id="amount_yuan-error"[^>]*>(.*?)</div>`)

// TestAuctionBidsThroughThePage: a bidder registers and bids from the page;
// a bid below the increment and a bid after the close are refused with their
// reason beside the amount, and change nothing.
func TestAuctionBidsThroughThePage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		sale, clk := englishAuction(t, e)
		path := "/auctions/" + sale.ID

		anon := e.browser()
		p := anon.get("/auctions")
		mustContain(t, p, path, "高安全固态锂电池电解质")
		p = anon.get(path)
		mustContain(t, p, "100 万元", "登录后报名竞价", `data-events="`+path+`/events"`, "auction.js")
		noRawIDs(t, p)

		b1 := e.browser()
		b1.login("buyer@company.test")
		p = b1.postForm(path+"/register", url.Values{})
		mustContain(t, p, "已报名竞价", "确认出价", `value="1000000"`)
		p = b1.postForm(path+"/bids", url.Values{"amount_yuan": {"1000000"}, "client_ref": {"t-1"}})
		mustContain(t, p, "出价成功", `id="you-lead">您目前出价最高`, "100.1 万元")

		b2 := e.browser()
		b2.login("buyer2@morning.test")
		b2.postForm(path+"/register", url.Values{})
		p = b2.postForm(path+"/bids", url.Values{"amount_yuan": {"1000500"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bid below the increment: status %d", p.status)
		}
		m := bidError.FindStringSubmatch(p.body)
		if m == nil || !strings.Contains(m[1], "出价不得低于1,001,000.00元") {
			t.Fatalf("below-increment reason not beside the amount: %q", m)
		}
		mustContain(t, p, `value="1000500"`)

		b2.lang = "en"
		p = b2.postForm(path+"/bids", url.Values{"amount_yuan": {"1001000"}})
		mustContain(t, p, "Your bid is in", "¥1,001,000")
		noRawIDs(t, p)

		clk.add(31 * time.Minute)
		p = b2.postForm(path+"/bids", url.Values{"amount_yuan": {"2000000"}})
		if p.status != http.StatusConflict {
			t.Fatalf("bid after the close: status %d", p.status)
		}
		m = bidError.FindStringSubmatch(p.body)
		if m == nil || !strings.Contains(m[1], "bidding closed at") {
			t.Fatalf("after-close reason not beside the amount: %q", m)
		}
		v, err := e.a.Deals.GetSale(context.Background(), system, sale.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.BidCount != 2 || *v.CurrentPriceFen != 100_100_000 {
			t.Fatalf("refused bids changed the sale: %d bids at %v", v.BidCount, *v.CurrentPriceFen)
		}
		var st struct {
			LastSeq int64 `json:"last_seq"`
			Bids    []struct {
				Bidder string `json:"bidder"`
				Mine   bool   `json:"mine"`
			} `json:"bids"`
		}
		sp := b1.get(path + "/state")
		if err := json.Unmarshal([]byte(sp.body), &st); err != nil || st.LastSeq != 2 || len(st.Bids) != 2 || st.Bids[0].Mine || !st.Bids[1].Mine {
			t.Fatalf("state feed: %v %+v", err, st)
		}
		if strings.Contains(sp.body, e.company.ID) {
			t.Fatal("the public state names a bidder's organisation")
		}
	})
}

// sseEvent reads the next "state" event of a stream, skipping keep-alives.
func sseEvent(t *testing.T, r *bufio.Reader) map[string]any {
	t.Helper()
	ev, err := readEvent(r)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// readEvent is sseEvent for goroutines other than the test's.
func readEvent(r *bufio.Reader) (map[string]any, error) {
	var data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("event stream: %w", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "" && data != "":
			var out map[string]any
			if err := json.Unmarshal([]byte(data), &out); err != nil {
				return nil, fmt.Errorf("event data %q: %w", data, err)
			}
			return out, nil
		}
	}
}

// TestAuctionEventsDeliverBids: the page's event stream sends the state at
// once and again after a bid committed by someone else, without polling.
func TestAuctionEventsDeliverBids(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		sale, _ := englishAuction(t, e)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/auctions/"+sale.ID+"/events", nil)
		req.Header.Set("Accept-Language", "en")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("events: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		r := bufio.NewReader(resp.Body)
		first := sseEvent(t, r)
		if first["last_seq"].(float64) != 0 || first["state"] != "open" {
			t.Fatalf("first event %v", first)
		}
		started := time.Now()
		for _, email := range []string{"buyer@company.test", "buyer2@morning.test"} {
			if _, err := e.a.Deals.RegisterBidder(ctx, e.actor(email), sale.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.a.Deals.PlaceBid(ctx, e.actor("buyer2@morning.test"), sale.ID, deal.BidInput{AmountFen: domain.Fen(120_000_000)}); err != nil {
			t.Fatal(err)
		}
		ev := sseEvent(t, r)
		if ev["last_seq"].(float64) != 1 || ev["price"] != "¥1,200,000" || ev["bid_count"].(float64) != 1 {
			t.Fatalf("event after the bid: %v", ev)
		}
		bids := ev["bids"].([]any)
		if len(bids) != 1 || bids[0].(map[string]any)["bidder"] != "Bidder 2" {
			t.Fatalf("bid history in the event: %v", bids)
		}
		// The hub wakes the stream at once; the periodic re-read would take seconds.
		if d := time.Since(started); d > 4*time.Second {
			t.Fatalf("the event took %v", d)
		}
	})
}

// TestAuctionEventsFanOut measures how fast committed bids reach many open
// event streams: 50 viewers watch one auction while two bidders outbid each
// other 20 times; every viewer must see every bid's state in order (coalesced
// signals may skip intermediate states but never the last), and the delay from
// PlaceBid returning to the event arriving is logged.
func TestAuctionEventsFanOut(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		sale, _ := englishAuction(t, e)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		const viewers, bids = 50, 20
		type seen struct {
			seq int64
			at  time.Time
		}
		got := make([][]seen, viewers)
		var ready, done sync.WaitGroup
		for i := range viewers {
			ready.Add(1)
			done.Add(1)
			go func(i int) {
				defer done.Done()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/auctions/"+sale.ID+"/events", nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					ready.Done()
					return
				}
				defer resp.Body.Close()
				r := bufio.NewReader(resp.Body)
				_, err = readEvent(r)
				ready.Done()
				for err == nil {
					var ev map[string]any
					if ev, err = readEvent(r); err != nil {
						break
					}
					seq := int64(ev["last_seq"].(float64))
					got[i] = append(got[i], seen{seq, time.Now()})
					if seq == bids {
						return
					}
				}
				t.Errorf("viewer %d: %v", i, err)
			}(i)
		}
		ready.Wait()
		actors := []domain.Actor{e.actor("buyer@company.test"), e.actor("buyer2@morning.test")}
		for _, a := range actors {
			if _, err := e.a.Deals.RegisterBidder(ctx, a, sale.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		committed := map[int64]time.Time{}
		amount := domain.Fen(100_000_000)
		for i := range bids {
			b, err := e.a.Deals.PlaceBid(ctx, actors[i%2], sale.ID, deal.BidInput{AmountFen: amount})
			if err != nil {
				t.Fatal(err)
			}
			committed[b.Seq] = time.Now()
			amount += 100_000
			time.Sleep(20 * time.Millisecond) // bids a human could follow, not a burst
		}
		done.Wait()
		var lat []time.Duration
		for i, evs := range got {
			last := int64(0)
			for _, s := range evs {
				if s.seq <= last {
					t.Fatalf("viewer %d saw seq %d after %d", i, s.seq, last)
				}
				last = s.seq
				if c, ok := committed[s.seq]; ok && s.at.After(c) {
					lat = append(lat, s.at.Sub(c))
				}
			}
			if last != bids {
				t.Fatalf("viewer %d ended at seq %d", i, last)
			}
		}
		slices.Sort(lat)
		if len(lat) == 0 {
			t.Fatal("no latencies measured")
		}
		p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
		t.Logf("%d viewers × %d bids: %d events timed, delay after commit p50 %v, p99 %v, max %v",
			viewers, bids, len(lat), p(.5).Round(time.Microsecond), p(.99).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
		if p(.99) > 2*time.Second {
			t.Fatalf("events lag: p99 %v", p(.99))
		}
	})
}

// TestOwnerOpensASale: the listing's owner opens an auction from its page; the
// service's refusals are named beside the fields, and nobody else may open one.
func TestOwnerOpensASale(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		l := e.published(sampleAchievement())
		seller := e.browser()
		seller.login("seller@uni.test")
		mustContain(t, seller.get("/listings/"+l.ID), `href="/listings/`+l.ID+`/sale"`)
		path := "/listings/" + l.ID + "/sale"
		p := seller.get(path)
		mustContain(t, p, "发起挂牌或拍卖", "华东技术交易所", `name="ends_at"`)
		noRawIDs(t, p)

		p = seller.postForm(path, url.Values{"venue": {"platform"}, "method": {"auction_english"}, "start_yuan": {"0"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("zero start price: status %d", p.status)
		}
		mustContain(t, p, `id="start_yuan-error"`, "起拍价或挂牌价须大于零")
		p = seller.postForm(path, url.Values{"venue": {"platform"}, "method": {"auction_english"}, "start_yuan": {"1000000"},
			"increment_yuan": {"10"}})
		mustContain(t, p, `id="increment_yuan-error"`, "本场所最低加价幅度为1,000.00元")

		buyer := e.browser()
		buyer.login("buyer@company.test")
		if p := buyer.postForm(path, url.Values{"venue": {"platform"}, "method": {"auction_english"}, "start_yuan": {"1000000"}}); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
			t.Fatalf("a buyer opens a sale on another's listing: status %d", p.status)
		}
		p = seller.postForm(path, url.Values{"venue": {"platform"}, "method": {"auction_english"}, "start_yuan": {"1000000"}})
		if p.status != http.StatusOK || !strings.HasPrefix(p.url.Path, "/auctions/") {
			t.Fatalf("open: status %d at %s", p.status, p.url)
		}
		mustContain(t, p, "拍卖（增价）", "100 万元", "1,000 元")
		p = seller.postForm(path, url.Values{"venue": {"platform"}, "method": {"auction_english"}, "start_yuan": {"1000000"}})
		if p.status != http.StatusConflict {
			t.Fatalf("second sale: status %d", p.status)
		}
		mustContain(t, p, "该项目已有正在进行的交易")
	})
}

// TestSealedBidsStayHidden: before a sealed-bid auction closes, no page or feed
// shows one bidder another's amount, and nobody is told they lead.
func TestSealedBidsStayHidden(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		e := dealEnv(t, db)
		sale, _ := openAuction(t, e, rules.Sealed)
		ctx := context.Background()
		for _, email := range []string{"buyer@company.test", "buyer2@morning.test"} {
			if _, err := e.a.Deals.RegisterBidder(ctx, e.actor(email), sale.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.a.Deals.PlaceBid(ctx, e.actor("buyer2@morning.test"), sale.ID, deal.BidInput{AmountFen: 177_777_700}); err != nil {
			t.Fatal(err)
		}
		b1 := e.browser()
		b1.login("buyer@company.test")
		path := "/auctions/" + sale.ID
		p := b1.postForm(path+"/bids", url.Values{"amount_yuan": {"1555555"}})
		mustContain(t, p, "出价成功", "155.56 万元", "密封报价")
		for _, q := range []page{p, b1.get(path + "/state"), e.browser().get(path)} {
			mustNotContain(t, q, "177.78", "1,777,777", `id="you-lead">`, `"you_lead":true`)
		}
		mustNotContain(t, e.browser().get(path), "155.56")
		ctx2, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx2, http.MethodGet, e.srv.URL+path+"/events", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		ev := sseEvent(t, bufio.NewReader(resp.Body))
		if b, _ := json.Marshal(ev); strings.Contains(string(b), "1,777,777") || strings.Contains(string(b), "1,555,555") {
			t.Fatalf("the public event stream shows sealed amounts: %s", b)
		}
	})
}
