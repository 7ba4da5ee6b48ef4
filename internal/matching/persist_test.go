package matching_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// restart opens a new App over the same database and data directory, as a
// restarted server would, and waits for its index.
func restart(t *testing.T, db *store.DB, dataDir string) *app.App {
	t.Helper()
	a := app.New(app.Config{DataDir: dataDir}, slog.New(slog.NewTextHandler(io.Discard, nil)), db)
	if err := a.Matching.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// publishVia creates and approves a listing through a's own listing service,
// whose change hook feeds a's index.
func publishVia(t *testing.T, a *app.App, m *market, in listing.Input) listing.Listing {
	t.Helper()
	ctx := context.Background()
	l, err := a.Listings.Create(ctx, m.seller, m.uni.ID, in, true)
	if err != nil {
		t.Fatal(err)
	}
	if l, err = a.Listings.Review(ctx, m.op, l.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return l
}

func searchIDs(t *testing.T, a *app.App, text string) map[string]bool {
	t.Helper()
	ids, ok, err := a.Matching.MatchText(listing.Query{Text: text}, 20)
	if err != nil || !ok {
		t.Fatalf("search %q: ok=%v err=%v", text, ok, err)
	}
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// TestIndexSurvivesRestart: a saved index is loaded at the next start and
// brought up to date with what changed while the server was down (a listing
// published, another withdrawn) and with writes logged before a crash; an
// unusable image leads to a full rebuild with the same answers.
func TestIndexSurvivesRestart(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db) // in memory only: stands for "another process" writing to the database
		dataDir := t.TempDir()

		first := restart(t, db, dataDir)
		if st := first.Matching.Status(); !st.Ready || st.FromDisk {
			t.Fatalf("first start: %+v, want a build from the database", st)
		}
		// Written through the server (its hook indexes them) and stamped two
		// hours ago, so that the next start's catch-up from the database does
		// not read them again: only the saved image can bring them back.
		twoHoursAgo := func() time.Time { return time.Now().Add(-2 * time.Hour) }
		first.Listings.SetClock(twoHoursAgo)
		kept := publishVia(t, first, m, technology("钙钛矿太阳能电池封装", "Perovskite solar cell encapsulation", "一种钙钛矿电池的封装方法。", "Encapsulation of perovskite cells."))
		gone := publishVia(t, first, m, technology("石墨烯导热膜", "Graphene thermal film", "高导热石墨烯膜。", "A graphene film."))
		if err := first.Matching.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dataDir, "index", "listings", "matching-state.json")); err != nil {
			t.Fatalf("no index state after a clean stop: %v", err)
		}

		// While the server is down: one listing withdrawn, one published.
		if _, err := m.a.Listings.Withdraw(ctx, m.seller, gone.ID); err != nil {
			t.Fatal(err)
		}
		added := m.publish(technology("固态锂电池电解质", "Solid-state lithium battery electrolyte", "硫化物固态电解质。", "Sulfide solid electrolyte."))

		second := restart(t, db, dataDir)
		st := second.Matching.Status()
		if !st.Ready || !st.FromDisk || st.Docs != 2 {
			t.Fatalf("second start: %+v, want 2 listings loaded from disk", st)
		}
		if got := searchIDs(t, second, "钙钛矿"); !got[kept.ID] {
			t.Fatalf("listing saved in the index not found after restart: %v", got)
		}
		if got := searchIDs(t, second, "固态电解质"); !got[added.ID] {
			t.Fatalf("listing published while down not found: %v", got)
		}
		if got := searchIDs(t, second, "石墨烯"); got[gone.ID] {
			t.Fatal("listing withdrawn while down is still found")
		}

		// A crash: a write after the last image is only in the append log (it
		// is stamped too early for the catch-up to read it again); no clean stop.
		second.Listings.SetClock(twoHoursAgo)
		l := publishVia(t, second, m, technology("氢燃料电池双极板", "Hydrogen fuel cell bipolar plate", "金属双极板。", "Metal bipolar plates."))
		third := restart(t, db, dataDir)
		if st := third.Matching.Status(); !st.FromDisk || st.Docs != 3 {
			t.Fatalf("after a crash: %+v, want 3 listings from image and log", st)
		}
		if got := searchIDs(t, third, "双极板"); !got[l.ID] {
			t.Fatalf("listing written before the crash not found: %v", got)
		}
		if err := third.Matching.Close(); err != nil {
			t.Fatal(err)
		}

		// A damaged image: rebuilt from the database, same answers.
		snap := filepath.Join(dataDir, "index", "listings", "index.snap")
		if err := os.WriteFile(snap, []byte("not an index"), 0o644); err != nil {
			t.Fatal(err)
		}
		fourth := restart(t, db, dataDir)
		if st := fourth.Matching.Status(); st.FromDisk || st.Docs != 3 {
			t.Fatalf("after a damaged image: %+v, want a rebuild of 3 listings", st)
		}
		for text, id := range map[string]string{"钙钛矿": kept.ID, "固态电解质": added.ID, "双极板": l.ID} {
			if !searchIDs(t, fourth, text)[id] {
				t.Fatalf("after rebuild, %q does not find %s", text, id)
			}
		}
		if err := fourth.Matching.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
