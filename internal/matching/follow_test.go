package matching_test

import (
	"context"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestServersFollowEachOthersChanges: two servers on one database, each with
// its own index. A listing published, then withdrawn, through one is found,
// then no longer found, through the other within a second (the issue's
// freshness bound), without a restart.
func TestServersFollowEachOthersChanges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := newMarket(t, db) // server A: its own listing service and index
		other := restart(t, db, "")
		defer other.Matching.Close()
		other.Matching.Follow(50 * time.Millisecond) // server B follows the table
		if err := m.a.Matching.Build(ctx); err != nil {
			t.Fatal(err)
		}

		within := func(what string, ok func() bool) {
			t.Helper()
			deadline := time.Now().Add(time.Second)
			for !ok() {
				if time.Now().After(deadline) {
					t.Fatalf("server B: %s not seen within 1 s", what)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		l := m.publish(technology("钠离子电池正极材料", "Sodium-ion battery cathode", "层状氧化物正极。", "A layered oxide cathode."))
		within("the publication", func() bool { return searchIDs(t, other, "钠离子")[l.ID] })
		if _, err := m.a.Listings.Withdraw(ctx, m.seller, l.ID); err != nil {
			t.Fatal(err)
		}
		within("the withdrawal", func() bool { return !searchIDs(t, other, "钠离子")[l.ID] })
		// Server A took both through its own hook; following changes nothing there.
		if searchIDs(t, m.a, "钠离子")[l.ID] {
			t.Fatal("server A still finds the withdrawn listing")
		}
	})
}
