package registration

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Technology-amount methods.
const (
	// MethodLineItems: contract amount minus non-technical items and carriers
	// beyond a reasonable quantity.
	MethodLineItems = "line_items"
	// MethodContractAmount: no line items, so the whole contract amount, for the
	// registrar to confirm.
	MethodContractAmount = "contract_amount"
)

// AmountBreakdown shows how the technology-transaction amount (技术交易额) was
// computed from the contract amount (合同成交额), per domain-rules §1.9:
//
//	technology amount = contract amount − non-technical costs
//	                    − the cost of carriers beyond a reasonable quantity
//
// The computed amount and a registrar's override are both kept; CertifiedFen
// is the one that goes on the certificate.
type AmountBreakdown struct {
	Method             string       `json:"method"`
	ContractAmountFen  domain.Fen   `json:"contract_amount_fen"`
	LineItemsTotalFen  domain.Fen   `json:"line_items_total_fen"`
	TechnicalFen       domain.Fen   `json:"technical_fen"`
	NonTechnicalFen    domain.Fen   `json:"non_technical_fen"`
	CarrierCountedFen  domain.Fen   `json:"carrier_counted_fen"`
	CarrierDeductedFen domain.Fen   `json:"carrier_deducted_fen"`
	ComputedFen        domain.Fen   `json:"computed_fen"`
	Override           *Override    `json:"override,omitempty"`
	CertifiedFen       domain.Fen   `json:"certified_fen"`
	Items              []ItemAmount `json:"items,omitempty"`
}

// ItemAmount is one line item's share of the technology amount.
type ItemAmount struct {
	Index       int        `json:"index"`
	Kind        string     `json:"kind"`
	AmountFen   domain.Fen `json:"amount_fen"`
	CountedFen  domain.Fen `json:"counted_fen"`
	DeductedFen domain.Fen `json:"deducted_fen"`
	// CountedQuantity is the number of carriers counted (carriers only).
	CountedQuantity int `json:"counted_quantity,omitempty"`
}

// Override is a registrar's certified technology amount, with the reason.
type Override struct {
	AmountFen domain.Fen `json:"amount_fen"`
	Reason    string     `json:"reason"`
	By        string     `json:"by,omitempty"` // registrar's user id
	At        time.Time  `json:"at,omitzero"`
}

// Validate checks an override against the contract amount: it cannot be
// negative or exceed the contract amount, and it needs a reason.
func (o Override) Validate(contractAmount domain.Fen) error {
	var fl apperr.FieldList
	if o.AmountFen < 0 {
		fl.Add("amount_fen", "negative", "must not be negative", "不能为负数")
	} else if o.AmountFen > contractAmount {
		fl.Add("amount_fen", "exceeds_contract", "the technology amount cannot exceed the contract amount", "技术交易额不能超过合同成交额")
	}
	if strings.TrimSpace(o.Reason) == "" {
		fl.Add("reason", "required", "the registrar must give a reason for the override", "登记员核定须说明理由")
	}
	return fl.Err("registration.Override")
}

// TechnologyAmount computes the technology amount from the line items, without
// a registrar override.
func (c *Contract) TechnologyAmount() AmountBreakdown {
	b, _ := c.technologyAmount()
	return b
}

// WithOverride returns the breakdown with a registrar's override applied; the
// computed amount stays in ComputedFen.
func (b AmountBreakdown) WithOverride(o Override) (AmountBreakdown, error) {
	if err := o.Validate(b.ContractAmountFen); err != nil {
		return b, err
	}
	b.Override = &o
	b.CertifiedFen = o.AmountFen
	return b, nil
}

// technologyAmount computes the breakdown and the findings that explain it.
func (c *Contract) technologyAmount() (AmountBreakdown, []Finding) {
	b := AmountBreakdown{ContractAmountFen: c.AmountFen}
	var fs []Finding
	if len(c.LineItems) == 0 {
		b.Method, b.ComputedFen, b.CertifiedFen = MethodContractAmount, c.AmountFen, c.AmountFen
		if c.AmountFen > 0 {
			fs = append(fs, newFinding("LINE_ITEMS_ABSENT", "line_items"))
		}
		return b, fs
	}
	b.Method = MethodLineItems
	for i, it := range c.LineItems {
		ia := ItemAmount{Index: i, Kind: it.Kind, AmountFen: it.AmountFen}
		b.LineItemsTotalFen += it.AmountFen
		switch it.Kind {
		case ItemTechnical:
			ia.CountedFen = it.AmountFen
			b.TechnicalFen += it.AmountFen
		case ItemNonTechnical:
			ia.DeductedFen = it.AmountFen
			b.NonTechnicalFen += it.AmountFen
		case ItemCarrier:
			var f *Finding
			ia, f = carrierAmount(i, it, ia)
			if f != nil {
				fs = append(fs, *f)
			}
			b.CarrierCountedFen += ia.CountedFen
			b.CarrierDeductedFen += ia.DeductedFen
		}
		b.Items = append(b.Items, ia)
	}
	if b.LineItemsTotalFen != c.AmountFen {
		fs = append(fs, newFinding("LINE_ITEMS_SUM_MISMATCH", "line_items", b.LineItemsTotalFen.Yuan(), c.AmountFen.Yuan()))
	}
	// The formula subtracts from the contract amount (§1.9), so a mismatch in
	// the line items cannot inflate the technology amount beyond the contract.
	b.ComputedFen = max(c.AmountFen-b.NonTechnicalFen-b.CarrierDeductedFen, 0)
	b.CertifiedFen = b.ComputedFen
	return b, fs
}

// carrierAmount counts the reasonable quantity of a carrier line item (i is
// 0-based; messages number items from 1, as a contract does). The
// counted share is rounded down to the fen, so any rounding reduces the
// technology amount rather than inflating the tax-relief base.
func carrierAmount(i int, it LineItem, ia ItemAmount) (ItemAmount, *Finding) {
	qty := max(it.Quantity, 1)
	reasonable := it.ReasonableQuantity
	var f *Finding
	if reasonable == 0 {
		switch {
		case it.CarrierKind == CarrierCompleteEquipment:
			reasonable = defaultCompleteEquipmentSets
			if qty > reasonable {
				x := newFinding("CARRIER_QUANTITY_DEFAULTED", fmt.Sprintf("line_items[%d].reasonable_quantity", i), i+1)
				f = &x
			}
		default:
			reasonable = qty
			if qty > 1 {
				x := newFinding("CARRIER_QUANTITY_UNSTATED", fmt.Sprintf("line_items[%d].reasonable_quantity", i), i+1, qty)
				f = &x
			}
		}
	}
	if reasonable >= qty {
		ia.CountedFen, ia.CountedQuantity = it.AmountFen, qty
		return ia, f
	}
	counted := new(big.Int).Mul(big.NewInt(int64(it.AmountFen)), big.NewInt(int64(reasonable)))
	counted.Quo(counted, big.NewInt(int64(qty)))
	ia.CountedFen = domain.Fen(counted.Int64())
	ia.DeductedFen = it.AmountFen - ia.CountedFen
	ia.CountedQuantity = reasonable
	if f == nil || f.Code != "CARRIER_QUANTITY_DEFAULTED" {
		x := newFinding("CARRIER_EXCESS_DEDUCTED", fmt.Sprintf("line_items[%d]", i), i+1, reasonable, qty, ia.DeductedFen.Yuan())
		f = &x
	}
	return ia, f
}
