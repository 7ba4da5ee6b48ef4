package ledger

import (
	"context"
	"fmt"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Invoice returns one royalty invoice to the parties of its contract (and to
// staff). Callers acting on an invoice by id read it first, so that someone
// who is not a party learns nothing, not even that the invoice exists — as
// for contracts (canSeeContract).
func (s *Service) Invoice(ctx context.Context, actor domain.Actor, id string) (RoyaltyInvoice, error) {
	const op = "ledger.Invoice"
	if actor.IsAnonymous() {
		return RoyaltyInvoice{}, apperr.E(op, apperr.Unauthenticated, "sign in first")
	}
	if !validID(id) {
		return RoyaltyInvoice{}, apperr.Fields(op, apperr.Field("invoice_id", "invalid", "unknown invoice id", "账单编号无效"))
	}
	invs, err := queryInvoices(ctx, s.db, "id = ?", id)
	if err != nil {
		return RoyaltyInvoice{}, fmt.Errorf("%s: %w", op, err)
	}
	if len(invs) == 0 {
		return RoyaltyInvoice{}, apperr.E(op, apperr.NotFound, "no such invoice")
	}
	if err := s.canSeeContract(ctx, actor, invs[0].ContractID); err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return RoyaltyInvoice{}, apperr.E(op, apperr.NotFound, "no such invoice")
		}
		return RoyaltyInvoice{}, err
	}
	return invs[0], nil
}
