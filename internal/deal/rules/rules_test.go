package rules

import (
	"slices"
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/workcal"
)

func seeds(t *testing.T) map[string]RuleSet {
	t.Helper()
	venues, sets, err := Seeds()
	if err != nil {
		t.Fatal(err)
	}
	if len(venues) < 3 || len(venues) != len(sets) {
		t.Fatalf("%d venues, %d rule sets", len(venues), len(sets))
	}
	out := map[string]RuleSet{}
	for _, rs := range sets {
		out[rs.Venue] = rs
	}
	return out
}

func TestSeedVenuesAreValidAndDiffer(t *testing.T) {
	s := seeds(t)
	p, e, n := s["platform"], s["east"], s["north"]
	if p.Hash() == e.Hash() || e.Hash() == n.Hash() || p.Hash() == n.Hash() {
		t.Fatal("seed venues should differ")
	}
	if e.Listing.Notice.Unit != WorkingDays || n.Listing.Notice.Unit != CalendarDays {
		t.Fatal("east counts working days, north calendar days")
	}
	if !n.Agreement.NoticeRequired || p.Agreement.NoticeRequired {
		t.Fatal("north notices every agreed price, the platform only state-owned ones")
	}
	if n.Supports(Sealed) || !p.Supports(Sealed) {
		t.Fatal("north has no sealed bids")
	}
}

func TestRateRoundsHalfUpWithinMinimumAndCap(t *testing.T) {
	fee := Rate{RateBP: 150, MinFen: 200_000, CapFen: 10_000_000} // 1.5%, min 2,000, cap 100,000 yuan
	for _, c := range []struct{ price, want domain.Fen }{
		{0, 0},
		{1_000_000, 200_000},           // 15,000 fen is below the minimum
		{100_000_000, 1_500_000},       // 1.5% of 1,000,000 yuan
		{33_333, 200_000},              // minimum
		{13_333_367, 200_001},          // 13,333,367 × 150 / 10000 = 200,000.505 → 200,001
		{10_000_000_000, 10_000_000},   // capped
		{domain.Fen(1e15), 10_000_000}, // no overflow at the largest amount
	} {
		if got := fee.Of(c.price); got != c.want {
			t.Errorf("fee on %d = %d, want %d", c.price, got, c.want)
		}
	}
	if MulBP(domain.Fen(9e18), 10000) != domain.Fen(9e18) {
		t.Fatal("MulBP overflowed")
	}
	if MulBP(5, 1000) != 1 || MulBP(4, 1000) != 0 { // 0.5 → 1, 0.4 → 0
		t.Fatal("MulBP does not round half up")
	}
	if (Rate{}).Of(1_000_000) != 0 {
		t.Fatal("no rate charges nothing")
	}
}

func TestPeriodEndCountsWorkingDaysAcrossHolidays(t *testing.T) {
	cal := workcal.Default()
	cst := time.FixedZone("CST", 8*3600)
	start := time.Date(2025, 9, 26, 10, 0, 0, 0, cst) // Friday before National Day
	for _, c := range []struct {
		p    Period
		want time.Time
	}{
		{Period{15, WorkingDays}, time.Date(2025, 10, 24, 0, 0, 0, 0, cst)},  // last day Thu 23 Oct
		{Period{15, CalendarDays}, time.Date(2025, 10, 12, 0, 0, 0, 0, cst)}, // Sat 11 Oct is a make-up working day
		{Period{7, CalendarDays}, time.Date(2025, 10, 10, 0, 0, 0, 0, cst)},  // 3 Oct is a holiday: runs to Thu 9 Oct
		{Period{0, WorkingDays}, start},
	} {
		got, cov := c.p.End(start, cal)
		if !got.Equal(c.want) || !cov.Covered {
			t.Errorf("%v from %v ends %v (covered %v), want %v", c.p, start, got.In(cst), cov.Covered, c.want)
		}
	}
	// A start late in the evening in China belongs to that China day, not to the UTC day.
	late := time.Date(2025, 9, 26, 23, 30, 0, 0, cst)
	if got, _ := (Period{1, WorkingDays}).End(late, cal); !got.Equal(time.Date(2025, 9, 29, 0, 0, 0, 0, cst)) {
		t.Errorf("one working day after Friday evening ends %v", got.In(cst))
	}
}

func TestPeriodCovers(t *testing.T) {
	if !(Period{15, WorkingDays}).Covers(StateOwnedMinNotice) || (Period{14, CalendarDays}).Covers(StateOwnedMinNotice) {
		t.Fatal("15 working days cover 15 days; 14 days do not")
	}
	if (Period{30, CalendarDays}).Covers(Period{15, WorkingDays}) {
		t.Fatal("calendar days never reliably cover working days")
	}
}

func TestPermits(t *testing.T) {
	s := seeds(t)
	east := s["east"]
	if r := east.Permits(English, []string{"invention_patent", "technology_secret"}, false); r == nil || r.Code != "method_not_permitted_for_asset" {
		t.Fatalf("a package with a technology secret auctioned at east: %+v", r)
	}
	if r := east.Permits(Listing, []string{"technology_secret"}, false); r != nil {
		t.Fatalf("listing a secret at east: %v", r)
	}
	if r := east.Permits(Sealed, []string{"invention_patent"}, true); r == nil || r.Code != "state_owned_method" {
		t.Fatalf("state-owned sealed bid at east: %+v", r)
	}
	if r := east.Permits(Challenge, AssetTypes("need", nil), false); r != nil {
		t.Fatalf("challenge on a need: %v", r)
	}
	if r := east.Permits(English, AssetTypes("need", nil), false); r == nil {
		t.Fatal("a need auctioned")
	}
	if !slices.Equal(AssetTypes("achievement", []string{"invention_patent", "invention_patent", "software_copyright"}),
		[]string{"invention_patent", "software_copyright"}) || !slices.Equal(AssetTypes("achievement", nil), []string{AssetNone}) {
		t.Fatal("asset types")
	}
}

func TestValidateNamesEveryFault(t *testing.T) {
	rs := seeds(t)["east"]
	rs.Venue = "East!"
	rs.Methods = append(rs.Methods, "barter", Listing)
	rs.AssetMethods["robot"] = []Method{English}
	rs.Listing.MultipleBuyers = "lottery"
	rs.Auction.IncrementFen = 0
	rs.Fees.Buyer = Rate{RateBP: 20000, MinFen: 10, CapFen: 5}
	rs.StateOwned.Notice = Period{10, WorkingDays}
	rs.Offers.ValidityDays = 0
	err := rs.Validate()
	got := map[string]string{}
	for _, fe := range apperr.FieldsOf(err) {
		got[fe.Field] = fe.Code
		if fe.MessageZh == "" {
			t.Errorf("%s has no Chinese message", fe.Field)
		}
	}
	for field, code := range map[string]string{
		"venue": "invalid", "methods[5]": "invalid", "methods[6]": "duplicate", "asset_methods.robot": "invalid",
		"listing.multiple_buyers": "invalid", "auction.increment_fen": "required", "fees.buyer.rate_bp": "out_of_range",
		"fees.buyer.cap_fen": "out_of_range", "state_owned.notice": "below_legal_minimum", "offers.validity_days": "out_of_range",
	} {
		if got[field] != code {
			t.Errorf("%s: want %s, got %q", field, code, got[field])
		}
	}
}
