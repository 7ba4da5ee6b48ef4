package web

import (
	"testing"

	"github.com/techmarket-org/techmarket/internal/apperr"
)

// TestContractInputOf: the service's field paths land on the typed form's
// inputs, rows by their index among the rows posted; anything else goes to
// the top of the form.
func TestContractInputOf(t *testing.T) {
	f := contractForm{IPItems: make([]contractIPRow, 1), Milestones: make([]milestoneRow, 2),
		LineItems: make([]lineItemRow, 1), RoyaltyPct: []string{"3"}}
	for path, want := range map[string]string{
		"milestones[1].amount_fen": "milestones.1.amount_yuan", "milestones[1].deliverables": "milestones.1.deliverables",
		"ip_items[0].number": "ip_items.0.number", "line_items[0].kind": "line_items.0.kind", "price_fen": "price_yuan",
		"payment.entry_fee_fen": "payment.entry_fee_yuan", "payment.royalty_bp_by_year[0]": "payment.royalty_pct.0",
		"payment.royalty_bp_by_year": "payment.royalty_pct", "licence.territory": "licence.territory", "milestones": "milestones",
		"valid_until": "valid_until", "dispute.forum": "dispute.forum",
		"milestones[2].amount_fen": "", "ip_items[0].nope": "", "terms": "", "payment.royalty_bp_by_year[1]": "",
	} {
		got, ok := f.inputOf(path)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("inputOf(%q) = %q, want %q", path, got, want)
		}
	}
	err := apperr.Fields("x", apperr.Field("milestones[0].amount_fen", "out_of_range", "amount out of range", "金额超出范围"),
		apperr.Field("mystery", "invalid", "no such input", "无此输入"))
	fe := f.contractFormErrors("en", err)
	if got := fe.Of("milestones.0.amount_yuan"); len(got) != 1 || got[0] != "amount out of range" {
		t.Errorf("beside the amount: %v", got)
	}
	if len(fe.General) != 1 || fe.General[0] != "mystery: no such input" {
		t.Errorf("at the top: %v", fe.General)
	}
	if fe := f.contractFormErrors("zh", apperr.E("x", apperr.Conflict, "not now")); len(fe.General) != 1 || len(fe.By) != 0 {
		t.Errorf("a refusal without fields: %+v", fe)
	}
}
