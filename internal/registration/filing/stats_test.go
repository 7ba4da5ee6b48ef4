package filing_test

import (
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

func TestStatistics(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		a, b, c := f.submitted(1), f.submitted(2), f.submitted(3)
		if _, err := f.svc.Register(f.ctx, f.registrar, a.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Register(f.ctx, f.registrar, b.ID, &filing.OverrideInput{AmountFen: 100000000, Reason: "核减"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Register(f.ctx, f.registrar, c.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cancel(f.ctx, f.registrar, c.ID, "合同解除"); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Statistics(f.ctx, f.filer, f.registry.ID, 2026)
		wantKind(t, err, apperr.Forbidden)

		st, err := f.svc.Statistics(f.ctx, f.registrar, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		// a: 301万 contract, 251万 technology; b: 302万, overridden to 100万; c cancelled.
		wantTotal := filing.StatsRow{Key: "total", Count: 2, AmountFen: 603000000, TechnologyAmountFen: 351000000}
		if st.Year != 2026 || st.Total != wantTotal {
			t.Fatalf("total %+v, want %+v", st.Total, wantTotal)
		}
		if len(st.ByType) != 1 || st.ByType[0].Key != registration.TypeDevelopment || st.ByType[0].Count != 2 {
			t.Fatalf("by type %+v", st.ByType)
		}
		if len(st.ByFlow) != 1 || st.ByFlow[0].Key != registration.FlowInterProvince {
			t.Fatalf("by flow %+v", st.ByFlow)
		}
		if len(st.ByMonth) != 1 || st.ByMonth[0].Key != "2026-03" || st.ByField[0].Key != "NM" {
			t.Fatalf("by month %+v, field %+v", st.ByMonth, st.ByField)
		}
		var csv strings.Builder
		if err := st.WriteCSV(&csv); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(csv.String(), "dimension,key,count,amount_fen,technology_amount_fen\ntotal,total,2,603000000,351000000\n") ||
			!strings.Contains(csv.String(), "\nmonth,2026-03,2,") {
			t.Fatalf("csv:\n%s", csv.String())
		}
		empty, err := f.svc.Statistics(f.ctx, f.registrar, f.registry.ID, 2025)
		if err != nil || empty.Total.Count != 0 || len(empty.ByType) != 0 {
			t.Fatalf("2025: %+v %v", empty, err)
		}
	})
}
