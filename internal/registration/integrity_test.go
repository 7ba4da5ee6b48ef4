package registration

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/techmarket-org/techmarket/internal/domain"
)

func TestContentHash(t *testing.T) {
	a := devContract()
	b := devContract()
	b.Name, b.FiledBy, b.DeclaredType, b.ID = "另一个名称", RoleIntermediary, TypeService, "F-9"
	b.Subject = "  研究开发高镍三元正极材料的新工艺，目标比容量不低于210MAH/G。 "
	b.Parties[0], b.Parties[1] = b.Parties[1], b.Parties[0] // order of parties does not matter
	if ContentHash(&a) != ContentHash(&b) {
		t.Error("hash changed with name, filer, type, party order, case or spacing")
	}
	c := devContract()
	c.AmountFen++
	if ContentHash(&a) == ContentHash(&c) {
		t.Error("hash ignores the amount")
	}
}

func summary(id, status, seller, buyer string, tech int64, signed string, related bool) FilingSummary {
	return FilingSummary{ID: id, Status: status, ContentHash: "h-" + id, SellerKey: seller, BuyerKey: buyer,
		SellerName: seller, BuyerName: buyer, Related: related, Type: TypeService,
		AmountFen: yuan(tech), TechnologyAmountFen: yuan(tech), SigningDate: signed}
}

func TestCircular(t *testing.T) {
	self := summary("S", StatusSubmitted, "A", "B", 100, "2025-06-01", false)
	others := []FilingSummary{
		summary("1", StatusRegistered, "B", "C", 100, "2025-05-01", true),
		summary("2", StatusSubmitted, "C", "A", 100, "2025-05-02", false),
	}
	f, ok := circular(self, others, 4)
	if !ok || f.Severity != Warning {
		t.Fatalf("3-cycle with a related party: %+v %v", f, ok)
	}
	if want := "A → B → C → A (filings 1, 2)"; f.Message != "Circular contracts: "+want+"." {
		t.Errorf("message = %q", f.Message)
	}
	others[0].Related = false
	if f, ok := circular(self, others, 4); !ok || f.Severity != Info {
		t.Errorf("cycle without related parties should be info: %+v", f)
	}
	if _, ok := circular(self, others, 2); ok {
		t.Error("a 3-cycle found with max length 2")
	}
	others[1].Status = StatusCancelled
	if _, ok := circular(self, others, 4); ok {
		t.Error("cancelled filing closed the circle")
	}
}

func TestSplitBelowThreshold(t *testing.T) {
	opts := IntegrityOptions{}.withDefaults()
	self := summary("S", StatusSubmitted, "A", "B", 4_800_000, "2025-06-01", false)
	near := summary("1", StatusRegistered, "A", "B", 4_600_000, "2025-04-15", false)
	if _, ok := splitBelowThreshold(self, []FilingSummary{near}, opts); !ok {
		t.Error("two contracts just under RMB 5M, 47 days apart: no signal")
	}
	far := near
	far.SigningDate = "2024-12-01"
	if _, ok := splitBelowThreshold(self, []FilingSummary{far}, opts); ok {
		t.Error("signal outside the 90-day window")
	}
	small := near
	small.TechnologyAmountFen = yuan(3_000_000)
	if _, ok := splitBelowThreshold(self, []FilingSummary{small}, opts); ok {
		t.Error("signal for an amount well under the threshold")
	}
	other := near
	other.BuyerKey = "C"
	if _, ok := splitBelowThreshold(self, []FilingSummary{other}, opts); ok {
		t.Error("signal across different buyers")
	}
}

func TestSameContractAndDuplicate(t *testing.T) {
	self := summary("S", StatusSubmitted, "A", "B", 100, "2025-06-01", false)
	dup := self
	dup.ID, dup.Status = "1", StatusRegistered
	pending := self
	pending.ID, pending.Status = "2", StatusCorrectionRequested
	refused := self
	refused.ID, refused.Status = "3", StatusRefused
	itself := self // the filing itself, as stored, is not a duplicate
	got := Codes(sameContract(self, []FilingSummary{dup, pending, refused, itself}))
	if !slices.Equal(got, []string{"DUPLICATE_REGISTRATION", "INTEGRITY_SAME_CONTRACT"}) {
		t.Errorf("findings = %v", got)
	}
}

func TestRatioAgainstPeers(t *testing.T) {
	var peers []FilingSummary
	for i := range 40 {
		p := summary(fmt.Sprint(i), StatusRegistered, "X", "Y", 1_000_000, "2025-01-01", false)
		p.TechnologyAmountFen = yuan(int64(800_000 + i*5_000)) // 80%–99.5%
		peers = append(peers, p)
	}
	self := summary("S", StatusSubmitted, "A", "B", 1_000_000, "2025-06-01", false)
	amount := AmountBreakdown{ContractAmountFen: yuan(1_000_000), CertifiedFen: yuan(400_000)}
	fs := ratioSignals(self, amount, peers, 20)
	if len(fs) != 1 || fs[0].Severity != Info {
		t.Fatalf("40%% against peers at 80–99%%: %+v", fs)
	}
	amount.CertifiedFen = yuan(900_000)
	if fs := ratioSignals(self, amount, peers, 20); len(fs) != 0 {
		t.Errorf("90%% is usual: %+v", fs)
	}
	if fs := ratioSignals(self, AmountBreakdown{ContractAmountFen: yuan(100), CertifiedFen: yuan(400_000)}, peers[:10], 20); len(fs) != 0 {
		t.Errorf("too few peers, yet: %+v", fs)
	}
}

func TestBasisPoints(t *testing.T) {
	if got := basisPoints(domain.Fen(1<<62), domain.Fen(1<<62)); got != 10000 {
		t.Errorf("basisPoints = %d", got)
	}
	if percent(1234) != "12.34%" {
		t.Errorf("percent = %s", percent(1234))
	}
}

func TestDecodeFilings(t *testing.T) {
	c := devContract()
	in := `[{"id":"F-1","status":"registered","contract":` + string(c.Canonical()) + `},
		{"id":"F-2","status":"submitted","content_hash":"abc","seller_key":"uscc:X","buyer_key":"uscc:Y","type":"SRV","amount_fen":5,"technology_amount_fen":5}]`
	got, err := DecodeFilings(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "F-1" || got[0].ContentHash != ContentHash(&c) || got[1].ContentHash != "abc" {
		t.Errorf("filings = %+v", got)
	}
	for _, bad := range []string{`{}`, `[1]`, `[{"id":"x","status":"registered","contract":{"name":""}}]`, `[{"id":"x","colour":"red"}]`} {
		if _, err := DecodeFilings(strings.NewReader(bad)); err == nil {
			t.Errorf("DecodeFilings(%s) accepted", bad)
		}
	}
}
