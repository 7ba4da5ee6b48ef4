package app

import (
	"context"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration/filing"
)

// wireFiling builds the registration service and turns every concluded deal
// into a draft filing for the seller, pre-filled from the signed contract.
func (a *App) wireFiling() {
	a.Filings = filing.New(a.DB, a.Notify)
	a.Deals.OnConcluded(a.prefillFiling)
}

// prefillFiling runs after the deal's transaction committed; a failure here
// must not undo the deal, so it is logged and the seller can still file by
// hand. Replays are harmless: a deal gets at most one filing.
func (a *App) prefillFiling(d deal.Deal) {
	ctx := context.Background()
	room, err := a.Deals.Get(ctx, domain.SystemActor("registration-prefill"), d.ID)
	if err != nil {
		a.Log.Error("registration pre-fill: read deal", "deal", d.ID, "err", err)
		return
	}
	f, created, err := a.Filings.PrefillFromDeal(ctx, room)
	switch {
	case apperr.KindOf(err) == apperr.NotFound:
		a.Log.Warn("registration pre-fill: no draft", "deal", d.ID, "reason", apperr.SafeMessage(err))
	case err != nil:
		a.Log.Error("registration pre-fill", "deal", d.ID, "err", err)
	case created:
		a.Log.Info("registration draft pre-filled", "deal", d.ID, "filing", f.ID)
	}
}
