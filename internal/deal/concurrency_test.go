package deal_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/auctionload"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestConcurrentBiddersLoseNothing runs 20 bidders × 50 bids at once on one
// English auction: every acceptance a bidder got must be stored with its
// sequence number, nothing else may be stored, and replaying the stored bids
// in order must reproduce the final price, leader and close time.
func TestConcurrentBiddersLoseNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		rep, err := auctionload.Run(ctx, db, auctionload.Config{Bidders: 20, Attempts: 1000, Seed: 7, SerialBids: 100})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d/%d accepted in %.2fs (%.0f accepted/s), p50 %.2f ms, p99 %.2f ms, refused %v; serial %.0f bids/s",
			rep.Engine, rep.Accepted, rep.Attempts, rep.Seconds, rep.AcceptedPerSec, rep.P50Ms, rep.P99Ms, rep.Refused, rep.SerialAcceptedPerSec)
		if !rep.OK() {
			t.Fatalf("load run not proven correct: %+v", rep)
		}
		if rep.Accepted+sum(rep.Refused) != rep.Attempts {
			t.Fatalf("attempts unaccounted for: %+v", rep)
		}
		if rep.Extensions != rep.Accepted+rep.SerialBids {
			t.Fatalf("every bid inside the anti-sniping window should extend: %d extensions for %d bids", rep.Extensions, rep.Accepted+rep.SerialBids)
		}
	})
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestRetriedBidIsNotPlacedTwice sends the same bid (same client reference) from
// many goroutines at once: exactly one bid is stored and every caller gets it.
func TestRetriedBidIsNotPlacedTwice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		l := f.publish(false, "invention_patent")
		sale, _, _ := f.auction(l, rules.English, 100_000_000, nil, time.Hour)
		var wg sync.WaitGroup
		results := make([]deal.Bid, 10)
		errs := make([]error, 10)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = f.svc.PlaceBid(f.ctx, f.buyerA, sale.ID, deal.BidInput{AmountFen: 100_000_000, ClientRef: "retry-1"})
			}()
		}
		wg.Wait()
		for i := range results {
			if errs[i] != nil || results[i].Seq != 1 {
				t.Fatalf("caller %d: %+v, %v", i, results[i], errs[i])
			}
		}
		if bids := got(f.svc.Bids(f.ctx, f.op, sale.ID))(t); len(bids) != 1 {
			t.Fatalf("%d bids stored for one retried bid", len(bids))
		}
	})
}
