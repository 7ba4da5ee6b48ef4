package matching_test

import (
	"context"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/matching"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// BenchmarkForListing measures a need's matches with explanation on the
// fixture (SQLite): the engine query plus loading each hit's public fields.
//
//	go test ./internal/matching -run XXX -bench ForListing
func BenchmarkForListing(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.a.Matching.ForListing(ctx, f.buyer, f.need.ID, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAlertLatency measures from the listing's approval returning to its
// alert being recorded and notified, through the worker.
func BenchmarkAlertLatency(b *testing.B) {
	f := newFixture(b, storetest.SQLite(b))
	ctx := context.Background()
	if _, err := f.a.Matching.CreateSavedNeed(ctx, f.buyer, matching.SavedNeedInput{Text: "固态电解质", MinScore: 1}); err != nil {
		b.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // published_at must follow the saved need's created_at
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		l, err := f.a.Listings.Create(ctx, f.seller, f.uni.ID, tech("固态电解质薄膜", "", "用于固态锂电池的电解质薄膜。", "", "NE", 6, 90), true)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := f.a.Listings.Review(ctx, f.op, l.ID, true, ""); err != nil {
			b.Fatal(err)
		}
		for !f.a.Matching.Idle() {
			time.Sleep(100 * time.Microsecond)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/alert")
}
