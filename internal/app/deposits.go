package app

import (
	"context"

	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/ledger"
	"github.com/techmarket-org/techmarket/internal/store"
)

// ledgerDeposits lets the deal service see auction deposits (保证金) held in
// the ledger, so a bidder who paid through the platform needs no operator
// confirmation.
type ledgerDeposits struct{}

func (ledgerDeposits) DepositHeld(ctx context.Context, q store.Querier, saleID, orgID string, required domain.Fen) (bool, error) {
	return ledger.AuctionDepositHeld(ctx, q, saleID, orgID, required)
}

// returnLosingDeposits gives every bidder but the winner its ledger-held
// deposit back when a sale closes. The idempotency key makes a replayed hook
// (or a restart between returns) harmless; the winner's deposit stays held
// until the venue applies it to the contract's escrow or forfeits it.
func (a *App) returnLosingDeposits(r deal.SaleResult) {
	ctx := context.Background()
	system := domain.SystemActor("sale-close")
	for org := range r.Deposits {
		if org == r.WinnerOrgID {
			continue
		}
		held, err := ledger.AuctionDepositHeld(ctx, a.DB, r.Sale.ID, org, 1)
		if err != nil {
			a.Log.Error("read auction deposit", "sale", r.Sale.ID, "org", org, "err", err)
			continue
		}
		if !held {
			continue // confirmed by an operator outside the ledger, or already returned
		}
		_, err = a.Ledger.ReturnAuctionDeposit(ctx, system, "sale-close:"+r.Sale.ID+":"+org,
			ledger.AuctionDepositInput{AuctionID: r.Sale.ID, OrgID: org})
		if err != nil {
			a.Log.Error("return auction deposit", "sale", r.Sale.ID, "org", org, "err", err)
		}
	}
}
