package ledger

import (
	"context"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// AuctionDepositHeld reports whether at least required fen sit in a bidder's
// deposit account for an auction. q may be another capability's transaction,
// so that registering a bidder and reading its deposit see one state.
func AuctionDepositHeld(ctx context.Context, q store.Querier, auctionID, orgID string, required domain.Fen) (bool, error) {
	held, err := balanceOf(ctx, q, AuctionDeposit(auctionID, orgID))
	if err != nil {
		return false, err
	}
	return held > 0 && held >= required, nil
}
