package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/client"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestMeasureAuctionOverHTTP measures the API path of an auction: accepted
// bids one after another through HTTP (two bidders outbidding each other) and
// the cost of a poll with and without If-None-Match. It runs only with
// DEALS_MEASURE=N (bids per engine):
//
//	DEALS_MEASURE=500 TEST_PG_DSN=… go test -run TestMeasureAuctionOverHTTP -v ./internal/httpapi/
func TestMeasureAuctionOverHTTP(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DEALS_MEASURE"))
	if n <= 0 {
		t.Skip("set DEALS_MEASURE=<bids> to measure")
	}
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		m := newDealMarket(t, db)
		ctx := context.Background()
		l := m.publish(achievement("测速拍卖"))
		roomFor(t, m.buyer, l.ID)
		roomFor(t, m.buyer2, l.ID)
		end := m.clock().Add(24 * time.Hour)
		sale := must[*client.Sale](t)(m.seller.OpenSale(ctx, client.SaleInput{ListingID: l.ID, Method: "auction_english", StartPriceFen: 100_000_000, EndsAt: &end}))
		must[*client.Bidder](t)(m.buyer.RegisterBidder(ctx, sale.ID, ""))
		must[*client.Bidder](t)(m.buyer2.RegisterBidder(ctx, sale.ID, ""))

		bidders := []*client.Client{m.buyer, m.buyer2}
		lat := make([]time.Duration, 0, n)
		price := int64(100_000_000)
		start := time.Now()
		for i := 0; i < n; i++ {
			t0 := time.Now()
			b, err := bidders[i%2].PlaceBid(ctx, sale.ID, price, "")
			if err != nil {
				t.Fatalf("bid %d: %v", i, err)
			}
			lat = append(lat, time.Since(t0))
			price = b.MinNextFen
		}
		total := time.Since(start)
		slices.Sort(lat)
		t.Logf("%s: %d accepted bids over HTTP in %v: %.0f/s, p50 %v, p99 %v, max %v", db.Dialect(), n, total.Round(time.Millisecond),
			float64(n)/total.Seconds(), lat[n/2].Round(10*time.Microsecond), lat[n*99/100].Round(10*time.Microsecond), lat[n-1].Round(10*time.Microsecond))
		if rep := must[*client.ReplayReport](t)(m.anon.ReplaySale(ctx, sale.ID)); !rep.Equal || rep.Bids != n {
			t.Fatalf("replay %+v", rep)
		}

		poll := func(etag string) (time.Duration, int, int) {
			req, _ := http.NewRequest(http.MethodGet, m.srv.URL+"/api/v1/sales/"+sale.ID, nil)
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			t0 := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return time.Since(t0), resp.StatusCode, len(body)
		}
		_, tag, _ := m.anon.PollSale(ctx, sale.ID, "")
		for _, c := range []struct {
			name, etag string
			status     int
		}{{"full GET", "", 200}, {"If-None-Match", tag, 304}} {
			var ds []time.Duration
			size := 0
			for i := 0; i < 200; i++ {
				d, status, n := poll(c.etag)
				if status != c.status {
					t.Fatalf("%s: status %d", c.name, status)
				}
				ds, size = append(ds, d), n
			}
			slices.Sort(ds)
			t.Logf("%s: poll %s → %d, %d body bytes, p50 %v, p99 %v", db.Dialect(), c.name, c.status, size,
				ds[100].Round(10*time.Microsecond), ds[198].Round(10*time.Microsecond))
		}
	})
}
