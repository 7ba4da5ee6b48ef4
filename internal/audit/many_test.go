package audit_test

import (
	"context"
	"testing"

	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// RecordMany must produce the rows Record would, one by one.
func TestRecordManyMatchesRecord(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actors := []domain.Actor{
			{UserID: "u1", Roles: []domain.OrgRole{{OrgID: "org1", Role: domain.RoleBuyer}}, IP: "10.0.0.1"},
			domain.SystemActor("job"),
			{UserID: "u2"},
		}
		details := []any{map[string]any{"tx": "t1", "amount_fen": domain.Fen(5), "b": []int64{1, 2}}, nil, struct {
			Z string `json:"z"`
			A int    `json:"a"`
		}{"x", 1}}
		var recs []audit.Rec
		for i, a := range actors {
			if err := audit.Record(ctx, db, a, "ledger.x", "obj", "ref", details[i]); err != nil {
				t.Fatal(err)
			}
			recs = append(recs, audit.Rec{Actor: a, Action: "ledger.x", ObjectType: "obj", ObjectID: "batch", Detail: details[i]})
		}
		if err := audit.RecordMany(ctx, db, recs); err != nil {
			t.Fatal(err)
		}
		if err := audit.RecordMany(ctx, db, nil); err != nil {
			t.Fatalf("empty batch: %v", err)
		}
		want, err := audit.ForObject(ctx, db, "obj", "ref")
		if err != nil {
			t.Fatal(err)
		}
		got, err := audit.ForObject(ctx, db, "obj", "batch")
		if err != nil || len(got) != len(actors) || len(want) != len(actors) {
			t.Fatalf("entries: %v %d %d", err, len(got), len(want))
		}
		// Entries of one batch share their time; order them as Record's were written.
		byActor := map[string]audit.Entry{}
		for _, g := range got {
			byActor[g.ActorID] = g
		}
		for _, w := range want {
			g, ok := byActor[w.ActorID]
			if !ok || g.ActorOrg != w.ActorOrg || g.Action != w.Action || g.IP != w.IP ||
				string(g.Detail) != string(w.Detail) || g.ObjectType != w.ObjectType || g.At.IsZero() {
				t.Errorf("batched entry %+v differs from Record's %+v", g, w)
			}
		}
	})
}

// A batch larger than one SQLite statement may bind is split, not refused.
func TestRecordManyLargeBatch(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		recs := make([]audit.Rec, 7000)
		for i := range recs {
			recs[i] = audit.Rec{Actor: domain.SystemActor("bulk"), Action: "x.y", ObjectType: "bulk", ObjectID: "one"}
		}
		if err := audit.RecordMany(ctx, db, recs); err != nil {
			t.Fatal(err)
		}
		got, err := audit.ForObject(ctx, db, "bulk", "one")
		if err != nil || len(got) != len(recs) {
			t.Fatalf("got %d entries (%v), want %d", len(got), err, len(recs))
		}
	})
}
