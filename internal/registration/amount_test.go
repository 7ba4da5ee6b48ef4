package registration

import (
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

func TestTechnologyAmountRoundsCarrierShareDown(t *testing.T) {
	c := devContract()
	c.AmountFen = 100
	c.LineItems = []LineItem{{Description: "样机", AmountFen: 100, Kind: ItemCarrier, Quantity: 3, ReasonableQuantity: 1}}
	b := c.TechnologyAmount()
	// 100 fen for 3 carriers, 1 reasonable: 33.33 fen counted, rounded down to 33.
	if b.CarrierCountedFen != 33 || b.CarrierDeductedFen != 67 || b.ComputedFen != 33 {
		t.Errorf("breakdown = %+v", b)
	}
}

func TestTechnologyAmountHugeValuesDoNotOverflow(t *testing.T) {
	c := devContract()
	big := domain.Fen(9_000_000_000_000_000_000)
	c.AmountFen = big
	c.LineItems = []LineItem{{Description: "装置", AmountFen: big, Kind: ItemCarrier, Quantity: 7, ReasonableQuantity: 5}}
	b := c.TechnologyAmount()
	if want := big / 7 * 5; b.ComputedFen < want-5 || b.ComputedFen > want+5 || b.CarrierCountedFen+b.CarrierDeductedFen != big {
		t.Errorf("computed = %d, want about %d (%+v)", b.ComputedFen, want, b)
	}
}

func TestTechnologyAmountNeverExceedsContract(t *testing.T) {
	c := devContract()
	// Line items claim more technical work than the contract is worth.
	c.LineItems = []LineItem{{Description: "技术费", AmountFen: 900000000, Kind: ItemTechnical}}
	b, fs := c.technologyAmount()
	if b.ComputedFen != c.AmountFen {
		t.Errorf("computed = %d, want the contract amount %d", b.ComputedFen, c.AmountFen)
	}
	if len(fs) != 1 || fs[0].Code != "LINE_ITEMS_SUM_MISMATCH" {
		t.Errorf("findings = %v", Codes(fs))
	}
}

func TestOverride(t *testing.T) {
	c := devContract()
	b := c.TechnologyAmount()
	for _, o := range []Override{
		{AmountFen: -1, Reason: "x"},
		{AmountFen: b.ContractAmountFen + 1, Reason: "x"},
		{AmountFen: 1, Reason: "  "},
	} {
		if _, err := b.WithOverride(o); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("WithOverride(%+v) err = %v, want Invalid", o, err)
		}
	}
	got, err := b.WithOverride(Override{AmountFen: yuan(2_000_000), Reason: "样品试制费属非技术性费用", By: "registrar-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got.CertifiedFen != yuan(2_000_000) || got.ComputedFen != yuan(2_500_000) || got.Override.By != "registrar-1" {
		t.Errorf("override = %+v", got)
	}
	// Through Check, an invalid override is the caller's error, not a finding.
	if _, err := Check(devContract(), CheckContext{Now: testNow, Override: &Override{AmountFen: 1}}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Check with bad override: %v", err)
	}
}
