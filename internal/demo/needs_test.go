package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
)

// checkNeedTitles fails if two seeded needs share a Chinese or an English
// title: repeated titles make the demo market look generated.
func checkNeedTitles(t *testing.T, db *store.DB) {
	t.Helper()
	for _, col := range []string{"title_zh", "title_en"} {
		rows, err := db.Query(context.Background(), `SELECT `+col+`, COUNT(*) FROM listings
			WHERE kind = 'need' AND `+col+` <> '' GROUP BY `+col+` HAVING COUNT(*) > 1`)
		if err != nil {
			t.Fatalf("duplicate %s: %v", col, err)
		}
		for rows.Next() {
			var title string
			var n int
			if err := rows.Scan(&title, &n); err != nil {
				t.Fatal(err)
			}
			t.Errorf("%d needs share %s %q", n, col, title)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}

// The plan never repeats a need title, whatever the seed, and keeps two
// achievements per need.
func TestNeedTitlesAreUnique(t *testing.T) {
	texts, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	if got := 2 * plannedNeeds(); got != len(texts) {
		t.Errorf("%d achievements to %d needs, want exactly 2:1", len(texts), plannedNeeds())
	}
	titles := map[string]bool{}
	for _, tp := range needTemplates {
		for _, title := range []string{tp.titleZh, tp.titleEn} {
			if titles[title] {
				t.Errorf("two templates titled %q", title)
			}
			titles[title] = true
		}
		vals := map[string]bool{}
		for _, v := range tp.vals {
			if vals[v] {
				t.Errorf("%s: value %s listed twice", tp.titleEn, v)
			}
			vals[v] = true
		}
		if len(tp.vals) == 0 || !strings.Contains(tp.summaryZh+tp.titleZh, "{v}") || !strings.Contains(tp.summaryEn+tp.titleEn, "{v}") {
			t.Errorf("%s: no target value", tp.titleEn)
		}
	}
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for _, seed := range []uint64{DefaultSeed, 1, 2, 3, 42} {
		zh, en := map[string]bool{}, map[string]bool{}
		needs := 0
		for _, p := range planMarket(newBuilder(seed, now), texts) {
			if p.in.Kind != listing.KindNeed {
				continue
			}
			needs++
			if p.in.TitleZh != "" && zh[p.in.TitleZh] {
				t.Errorf("seed %d: two needs titled %q", seed, p.in.TitleZh)
			}
			if p.in.TitleEn != "" && en[p.in.TitleEn] {
				t.Errorf("seed %d: two needs titled %q", seed, p.in.TitleEn)
			}
			zh[p.in.TitleZh], en[p.in.TitleEn] = true, true
		}
		if needs != plannedNeeds() {
			t.Errorf("seed %d: %d needs planned, want %d", seed, needs, plannedNeeds())
		}
	}
}
