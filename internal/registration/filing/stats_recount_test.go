package filing_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// TestStatisticsMatchRecount drives a random sequence of registrations (some
// with an override), amendments that move a contract between groups, and
// cancellations over ten months and a year boundary, and checks after every
// step that the stored aggregates equal a recount from the filings.
func TestStatisticsMatchRecount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		rng := rand.New(rand.NewPCG(20260302, 7))
		fields := []string{"EI", "BIO", "NM", "NE", "AM"}
		buyerTypes := []string{"150", "022", "021", "110"}
		numberOf := map[string]int{} // filing id → devContract n
		var registered []string
		contract := func(n int) (c registration.Contract) {
			c = devContract(n)
			c.TechField = fields[rng.IntN(len(fields))]
			c.Parties[1].EntityType = buyerTypes[rng.IntN(len(buyerTypes))]
			extra := domain.Fen(rng.IntN(50)) * 1000000
			c.AmountFen += extra
			c.LineItems[0].AmountFen += extra
			return c
		}
		ops := map[string]int{}
		for i := 0; i < 60; i++ {
			op := rng.IntN(5)
			switch {
			case op <= 1 || len(registered) == 0:
				s := f.submitted(i)
				numberOf[s.ID] = i
				var ov *filing.OverrideInput
				if rng.IntN(3) == 0 {
					ov = &filing.OverrideInput{AmountFen: s.TechnologyAmountFen / 2, Reason: "核减非技术性费用"}
				}
				if _, err := f.svc.Register(f.ctx, f.registrar, s.ID, ov); err != nil {
					t.Fatalf("step %d register: %v", i, err)
				}
				registered = append(registered, s.ID)
				ops["register"]++
			case op <= 3:
				id := registered[rng.IntN(len(registered))]
				if _, err := f.svc.Amend(f.ctx, f.registrar, id, contract(numberOf[id]), "变更技术领域和金额", nil); err != nil {
					t.Fatalf("step %d amend: %v", i, err)
				}
				ops["amend"]++
			default:
				k := rng.IntN(len(registered))
				if _, err := f.svc.Cancel(f.ctx, f.registrar, registered[k], "合同解除"); err != nil {
					t.Fatalf("step %d cancel: %v", i, err)
				}
				registered = slices.Delete(registered, k, k+1)
				ops["cancel"]++
			}
			f.advance(time.Duration(rng.IntN(12*24)) * time.Hour)
			for _, year := range []int{2026, 2027} {
				got, err := f.svc.Statistics(f.ctx, f.registrar, f.registry.ID, year)
				if err != nil {
					t.Fatal(err)
				}
				want, err := f.svc.Recount(f.ctx, f.registrar, f.registry.ID, year)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("step %d year %d: stored\n%+v\nrecount\n%+v", i, year, got, want)
				}
			}
		}
		all := 0
		for _, year := range []int{2026, 2027} {
			st, _ := f.svc.Statistics(f.ctx, f.registrar, f.registry.ID, year)
			all += st.Total.Count
			if year == 2027 && st.Total.Count == 0 {
				t.Fatalf("the sequence should cross into 2027 (clock %s)", f.clock())
			}
		}
		if all != len(registered) || ops["amend"] < 10 || ops["cancel"] < 5 {
			t.Fatalf("counted %d, registered %d; ops %v", all, len(registered), ops)
		}
	})
}

// TestGenerate writes generated registrations in batches and checks their
// statistics against a recount, the sequence, and that a generated contract
// passes the checks as the registrar would run them.
func TestGenerate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		sellers := []filing.GenSeller{{OrgID: f.uni.ID, Party: registration.Party{Role: registration.RoleSeller, Name: "北京未来科技大学",
			USCC: uniUSCC, EntityType: "022", RegionCode: region}}}
		var progress []int
		err := f.svc.Generate(f.ctx, filing.GenerateOptions{RegistryOrgID: f.registry.ID, Sellers: sellers, Contracts: 2500,
			Year: 2025, BatchSize: 1000, Seed: 1, Progress: func(n int) { progress = append(progress, n) }})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(progress, []int{1000, 2000, 2500}) {
			t.Fatalf("progress %v", progress)
		}
		got, err := f.svc.Statistics(f.ctx, f.registrar, f.registry.ID, 2025)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.svc.Recount(f.ctx, f.registrar, f.registry.ID, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || got.Total.Count != 2500 || len(got.ByType) != 5 || len(got.ByMonth) != 12 || len(got.ByProvinceFlow) < 10 {
			t.Fatalf("stored %+v\nrecount %+v", got, want)
		}
		var maxNumber string
		if err := db.QueryRow(f.ctx, `SELECT MAX(registration_number) FROM registration_filings`).Scan(&maxNumber); err != nil ||
			maxNumber != "2025"+region+"002500" {
			t.Fatalf("last number %q (%v)", maxNumber, err)
		}
		var id string
		if err := db.QueryRow(f.ctx, `SELECT id FROM registration_filings ORDER BY registration_number LIMIT 1`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.Check(f.ctx, f.registrar, id)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome == registration.OutcomeNotRegistrable {
			t.Fatalf("a generated contract is not registrable: %+v", res.Findings)
		}
	})
}

// TestMigrationBackfill runs the backfill of migration 0006 over registrations
// made through the workflow (one amended, one cancelled) and checks that it
// rebuilds the same groups as a recount, on both engines.
func TestMigrationBackfill(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		var ids []string
		for i := 0; i < 4; i++ {
			s := f.submitted(i)
			if _, err := f.svc.Register(f.ctx, f.registrar, s.ID, nil); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, s.ID)
			f.advance(20 * 24 * time.Hour)
		}
		c := devContract(1)
		c.TechField, c.Parties[1].EntityType = "BIO", "021"
		if _, err := f.svc.Amend(f.ctx, f.registrar, ids[1], c, "变更", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cancel(f.ctx, f.registrar, ids[2], "合同解除"); err != nil {
			t.Fatal(err)
		}
		want, err := f.svc.Statistics(f.ctx, f.registrar, f.registry.ID, 2026)
		if err != nil || want.Total.Count != 3 {
			t.Fatalf("before: %+v %v", want.Total, err)
		}
		migs, err := store.Migrations(db.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		var backfill string
		for _, m := range migs {
			if m.Version == 6 {
				_, backfill, _ = strings.Cut(m.SQL, "-- Backfill")
			}
		}
		if backfill == "" {
			t.Fatal("migration 0006 has no backfill")
		}
		if _, err := db.Exec(f.ctx, `DELETE FROM registration_stats`); err != nil {
			t.Fatal(err)
		}
		// The first line is the rest of the comment.
		if _, err := db.Exec(f.ctx, "--"+backfill); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Statistics(f.ctx, f.registrar, f.registry.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		recount, err := f.svc.Recount(f.ctx, f.registrar, f.registry.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, recount) {
			t.Fatalf("backfilled\n%+v\nincremental\n%+v\nrecount\n%+v", got, want, recount)
		}
	})
}
