package ledger

import (
	"context"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Auction deposits (保证金): a bidder's deposit sits in its own account
// deposit:<auction>:<org> until the venue returns it, forfeits it, or applies
// the winner's deposit to the contract's escrow. Return, forfeit and apply move
// the whole balance, so each can happen only once per deposit.

// AuctionDepositInput names a deposit; Amount is used by holds, Beneficiary by
// forfeits (empty: the venue keeps it), ContractID by apply.
type AuctionDepositInput struct {
	AuctionID   string     `json:"auction_id"`
	OrgID       string     `json:"org_id"`
	Amount      domain.Fen `json:"amount_fen,omitempty"`
	Beneficiary string     `json:"beneficiary_org,omitempty"`
	ContractID  string     `json:"contract_id,omitempty"`
}

func (in AuctionDepositInput) validate(op string, needAmount bool) error {
	var l apperr.FieldList
	if !validID(in.AuctionID) {
		l.Add("auction_id", "invalid", "unknown auction id", "拍卖编号无效")
	}
	if !validID(in.OrgID) {
		l.Add("org_id", "invalid", "unknown organisation id", "机构编号无效")
	}
	if needAmount {
		checkAmount(&l, "amount_fen", in.Amount)
	}
	if in.Beneficiary != "" && (!validID(in.Beneficiary) || in.Beneficiary == in.OrgID) {
		l.Add("beneficiary_org", "invalid", "the beneficiary must be another organisation", "受益机构须为其他机构")
	}
	if in.ContractID != "" && !validID(in.ContractID) {
		l.Add("contract_id", "invalid", "unknown contract id", "合同编号无效")
	}
	return l.Err(op)
}

// HoldAuctionDeposit moves a bidder's deposit from its available balance.
func (s *Service) HoldAuctionDeposit(ctx context.Context, actor domain.Actor, key string, in AuctionDepositInput) (Transaction, error) {
	const op = "ledger.HoldAuctionDeposit"
	in.Beneficiary, in.ContractID = "", ""
	if err := in.validate(op, true); err != nil {
		return Transaction{}, err
	}
	if !actor.HasRoleIn(in.OrgID, domain.RoleBuyer) && !isOperator(actor) {
		return Transaction{}, denied(op, actor, "only the bidder pays its deposit")
	}
	return s.depositMove(ctx, op, KindAuctionHold, actor, key, in)
}

// ReturnAuctionDeposit gives a losing (or withdrawn) bidder its deposit back.
func (s *Service) ReturnAuctionDeposit(ctx context.Context, actor domain.Actor, key string, in AuctionDepositInput) (Transaction, error) {
	const op = "ledger.ReturnAuctionDeposit"
	in.Amount, in.Beneficiary, in.ContractID = 0, "", ""
	return s.venueDepositMove(ctx, op, KindAuctionReturn, actor, key, in)
}

// ForfeitAuctionDeposit forfeits a deposit under the venue's rules (for example a
// winner who does not sign): to the beneficiary, or to the venue if none.
func (s *Service) ForfeitAuctionDeposit(ctx context.Context, actor domain.Actor, key string, in AuctionDepositInput) (Transaction, error) {
	const op = "ledger.ForfeitAuctionDeposit"
	in.Amount, in.ContractID = 0, ""
	return s.venueDepositMove(ctx, op, KindAuctionForfeit, actor, key, in)
}

// ApplyAuctionDeposit turns the winner's deposit into payment: it moves into the
// contract's escrow up to the unfunded part of the price; any excess goes back
// to the winner.
func (s *Service) ApplyAuctionDeposit(ctx context.Context, actor domain.Actor, key string, in AuctionDepositInput) (Transaction, error) {
	const op = "ledger.ApplyAuctionDeposit"
	in.Amount, in.Beneficiary = 0, ""
	if in.ContractID == "" {
		return Transaction{}, apperr.Fields(op, apperr.Field("contract_id", "required", "the contract to fund is required", "须指定合同"))
	}
	return s.venueDepositMove(ctx, op, KindAuctionApply, actor, key, in)
}

func (s *Service) venueDepositMove(ctx context.Context, op, kind string, actor domain.Actor, key string, in AuctionDepositInput) (Transaction, error) {
	if err := in.validate(op, false); err != nil {
		return Transaction{}, err
	}
	if !isOperator(actor) {
		return Transaction{}, denied(op, actor, "only the venue returns, forfeits or applies deposits")
	}
	return s.depositMove(ctx, op, kind, actor, key, in)
}

func (s *Service) depositMove(ctx context.Context, op, kind string, actor domain.Actor, key string, in AuctionDepositInput) (Transaction, error) {
	c, err := newCmd(op, kind, actor, key, in)
	if err != nil {
		return Transaction{}, err
	}
	dep := AuctionDeposit(in.AuctionID, in.OrgID)
	avail := PartyAvailable(in.OrgID)
	c.route = dep
	if in.ContractID != "" {
		c.route, c.contracts = in.ContractID, []string{in.ContractID}
	}
	c.accounts = func(*world) []need {
		switch kind {
		case KindAuctionHold:
			return []need{{avail, true}, {dep, false}}
		case KindAuctionForfeit:
			dst := AccountPlatformForfeits
			if in.Beneficiary != "" {
				dst = PartyAvailable(in.Beneficiary)
			}
			return []need{{dep, true}, {dst, false}}
		case KindAuctionApply:
			return []need{{dep, true}, {Escrow(in.ContractID), false}, {avail, false}}
		}
		return []need{{dep, true}, {avail, false}}
	}
	c.exec = func(ctx context.Context, w *world) error {
		t := w.newTx(c)
		t.RefID = dep
		held := w.balance(dep)
		if kind != KindAuctionHold && held <= 0 {
			return apperr.E(op, apperr.Conflict, "no deposit is held for this bidder in this auction")
		}
		var after func()
		switch kind {
		case KindAuctionHold:
			t.Amount = in.Amount
			t.Postings = []Posting{post(avail, dep, int64(in.Amount))}
		case KindAuctionReturn:
			t.Amount = domain.Fen(held)
			t.Postings = []Posting{post(dep, avail, held)}
		case KindAuctionForfeit:
			dst := AccountPlatformForfeits
			if in.Beneficiary != "" {
				dst = PartyAvailable(in.Beneficiary)
			}
			t.Amount = domain.Fen(held)
			t.Postings = []Posting{post(dep, dst, held)}
		case KindAuctionApply:
			cs := w.contracts[in.ContractID]
			if cs == nil {
				return apperr.E(op, apperr.NotFound, "no settlement terms for this contract")
			}
			if cs.terms.BuyerOrg != in.OrgID {
				return apperr.E(op, apperr.Conflict, "the bidder is not this contract's buyer")
			}
			applied := min(held, cs.price-cs.held)
			if applied <= 0 {
				return apperr.E(op, apperr.Conflict, "the contract's escrow is already fully funded")
			}
			t.ContractID, t.Amount = in.ContractID, domain.Fen(applied)
			t.Postings = []Posting{post(dep, Escrow(in.ContractID), applied)}
			if held > applied {
				t.Postings = append(t.Postings, post(dep, avail, held-applied))
			}
			after = func() {
				cs.held += applied
				cs.dirty = true
			}
		}
		return w.accept(c, t, func() {
			if after != nil {
				after()
			}
		})
	}
	return s.e.submit(ctx, c)
}
