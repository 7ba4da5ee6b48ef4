package deal_test

import (
	"testing"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
)

func seedRules(t *testing.T, venue string) rules.RuleSet {
	t.Helper()
	_, sets, err := rules.Seeds()
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range sets {
		if rs.Venue == venue {
			return rs
		}
	}
	t.Fatalf("no seed venue %s", venue)
	return rules.RuleSet{}
}

func TestContractTermsValidation(t *testing.T) {
	platform, north := seedRules(t, "platform"), seedRules(t, "north")
	cases := []struct {
		name   string
		rs     rules.RuleSet
		change func(*deal.Terms)
		want   map[string]string // field → code
	}{
		{"valid licence", platform, func(*deal.Terms) {}, nil},
		{"licence without scope", platform, func(t *deal.Terms) { t.Licence = nil }, map[string]string{"licence": "required"}},
		{"sub-type of another type", platform, func(t *deal.Terms) { t.SubType = "TRF_PATENT" }, map[string]string{"sub_type": "invalid"}},
		{"instalments do not add up", platform, func(t *deal.Terms) { t.Milestones[1].AmountFen-- }, map[string]string{"milestones": "sum_mismatch"}},
		{"line items do not add up", platform, func(t *deal.Terms) { t.LineItems[0].AmountFen++ }, map[string]string{"line_items": "sum_mismatch"}},
		{"unknown line-item kind", platform, func(t *deal.Terms) { t.LineItems[1].Kind = "equipment" }, map[string]string{"line_items[1].kind": "invalid"}},
		{"grant-back to the licensor", platform, func(t *deal.Terms) { t.Improvements = "licensor" }, map[string]string{"improvements": "invalid"}},
		{"rising royalty that falls", platform, func(t *deal.Terms) {
			t.Payment = deal.Payment{Mode: "ROYALTY", RoyaltyBase: "sales", RoyaltyRate: "increasing", RoyaltyBPByYear: []int64{300, 200}}
			t.Milestones, t.LineItems = nil, nil
		}, map[string]string{"payment.royalty_bp_by_year": "not_increasing"}},
		{"entry fee missing", platform, func(t *deal.Terms) {
			t.Payment = deal.Payment{Mode: "ROYALTY_PLUS_ENTRY_FEE", RoyaltyBase: "sales", RoyaltyRate: "fixed", RoyaltyBPByYear: []int64{300}}
			t.Milestones = nil
		}, map[string]string{"payment.entry_fee_fen": "required"}},
		{"use first, pay later where the venue forbids it", north, func(t *deal.Terms) { t.Payment.FreeUseMonths = 6 },
			map[string]string{"payment.free_use_months": "not_allowed"}},
		{"free period too long", platform, func(t *deal.Terms) { t.Payment.FreeUseMonths = 24 }, map[string]string{"payment.free_use_months": "out_of_range"}},
		{"development without milestones", platform, func(t *deal.Terms) {
			t.ContractType, t.SubType, t.Licence, t.Milestones = "DEV", "DEV_COMMISSIONED", nil, nil
			t.Payment.Mode = "LUMP_SUM_ONE_PAYMENT"
		}, map[string]string{"milestones": "required"}},
		{"transfer without IP", platform, func(t *deal.Terms) {
			t.ContractType, t.SubType, t.Licence, t.IPItems = "TRF", "TRF_PATENT", nil, nil
		}, map[string]string{"ip_items": "required"}},
		{"no dispute forum", platform, func(t *deal.Terms) { t.Dispute = deal.Dispute{Method: "mediation"} },
			map[string]string{"dispute.method": "invalid", "dispute.forum": "required"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := licenceTerms(100_000_000)
			c.change(&terms)
			err := terms.Validate(c.rs)
			if c.want == nil {
				if err != nil {
					t.Fatalf("valid terms refused: %v", err)
				}
				return
			}
			got := map[string]string{}
			for _, fe := range apperr.FieldsOf(err) {
				got[fe.Field] = fe.Code
				if fe.MessageZh == "" {
					t.Errorf("%s has no Chinese message", fe.Field)
				}
			}
			for field, code := range c.want {
				if got[field] != code {
					t.Errorf("field %s: want %s, got %q (all: %v)", field, code, got[field], got)
				}
			}
		})
	}
}

func TestBookAppliesIncrementsAndExtensionsLikeItsReplay(t *testing.T) {
	start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	opening := deal.Book{Method: rules.English, StartPrice: 1_000_000, IncrementFen: 10_000, IncrementBP: 100,
		AntiSniping: 5 * time.Minute, Extension: 5 * time.Minute, MaxExtensions: 2, StartsAt: start, EndsAt: start.Add(time.Hour)}
	b := opening
	at := func(min float64) time.Time { return start.Add(time.Duration(min * float64(time.Minute))) }
	if _, r := b.Apply(deal.BidAttempt{OrgID: "a", Amount: 1_000_000, At: at(-1)}); r == nil || r.Code != "sale_not_started" {
		t.Fatalf("early bid: %+v", r)
	}
	var stored []deal.StoredBid
	place := func(org string, amount domain.Fen, min float64) {
		t.Helper()
		seq, r := b.Apply(deal.BidAttempt{OrgID: org, Amount: amount, At: at(min)})
		if r != nil {
			t.Fatalf("bid %s %d at %v refused: %s", org, amount, min, r.En)
		}
		stored = append(stored, deal.StoredBid{Seq: seq, OrgID: org, Amount: amount, PlacedAt: at(min)})
	}
	place("a", 1_000_000, 1)
	// 1% of 1,000,000 fen is 10,000 fen; at 1,000,001 fen the share rounds up to 10,001.
	if b.MinNext() != 1_010_000 {
		t.Fatalf("min next %d", b.MinNext())
	}
	place("b", 1_010_001, 2)
	if b.MinNext() != 1_010_001+10_101 {
		t.Fatalf("1%% increment rounds up: min next %d", b.MinNext())
	}
	place("a", 1_100_000, 57) // within 5 minutes of 60: close moves to 62
	place("b", 1_200_000, 61) // close moves to 66
	place("a", 1_300_000, 65) // third extension is over the limit of two: close stays 66
	if !b.EndsAt.Equal(at(66)) || b.Extensions != 2 {
		t.Fatalf("close %v after %d extensions", b.EndsAt, b.Extensions)
	}
	if _, r := b.Apply(deal.BidAttempt{OrgID: "b", Amount: 2_000_000, At: at(66)}); r == nil || r.Code != "sale_closed" {
		t.Fatalf("bid at the close: %+v", r)
	}
	replayed, err := deal.Replay(opening, stored)
	if err != nil {
		t.Fatal(err)
	}
	if diff := deal.SameState(replayed, b); diff != "" {
		t.Fatalf("replay differs: %s", diff)
	}
	// A tampered history does not replay.
	stored[2].Amount = 1_010_002
	if _, err := deal.Replay(opening, stored); err == nil {
		t.Fatal("a bid below the increment replayed")
	}
	stored[2].Amount = 1_100_000
	stored[3].Seq = 7
	if _, err := deal.Replay(opening, stored); err == nil {
		t.Fatal("a gap in the sequence replayed")
	}
}
