package deal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// SaleResult is what a closed sale decided, for hooks such as the ledger's
// deposit handling: the winner's deposit is applied, the others' returned.
type SaleResult struct {
	Sale         Sale                  `json:"sale"`
	WinnerOrgID  string                `json:"winner_org_id,omitempty"`
	WinnerDealID string                `json:"winner_deal_id,omitempty"`
	PriceFen     domain.Fen            `json:"price_fen,omitempty"`
	Deposits     map[string]domain.Fen `json:"deposits"` // by bidder organisation
	FollowOn     *Sale                 `json:"follow_on,omitempty"`
}

// CloseSale closes a sale whose stored close time has passed, by the server's
// clock; no one can close it earlier. English: the highest bid wins if it meets
// the reserve. Sealed: the highest bid, ties to the earliest accepted. Listing:
// one buyer takes it at the listed price; several go to an English auction or
// to the first registered, as the venue's rules say. The winner's deal is
// agreed at the price and the other bidders' deals are lost.
func (s *Service) CloseSale(ctx context.Context, actor domain.Actor, saleID string) (Sale, error) {
	const op = "deal.sale.close"
	var res SaleResult
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		sale, err := getSale(ctx, tx, saleID, true)
		if err != nil {
			return err
		}
		bidders, err := listBidders(ctx, tx, sale.ID, "")
		if err != nil {
			return err
		}
		if err := s.mayRunSale(ctx, tx, actor, sale, bidders, true); err != nil {
			return err
		}
		to, r := saleMachine.step(sale.State, EvClose)
		if r != nil {
			return refused(op, apperr.Conflict, r)
		}
		now := s.clock()
		if now.Before(sale.EndsAt) {
			return refused(op, apperr.Conflict, rules.Refuse("sale_not_ended", "bidding runs until %s China time", "竞价至北京时间 %s 结束",
				sale.EndsAt.In(chinaZone).Format("2006-01-02 15:04:05")))
		}
		bids, err := listBids(ctx, tx, `sale_id = ?`, sale.ID)
		if err != nil {
			return err
		}
		rs, err := s.ruleSetOf(ctx, tx, sale.Venue, sale.RuleVersion)
		if err != nil {
			return err
		}
		winner, reason := decideSale(sale, bids, rs)
		sale.State, sale.ClosedAt, sale.UpdatedAt = to, &now, now
		res = SaleResult{Deposits: map[string]domain.Fen{}}
		for _, b := range bidders {
			res.Deposits[b.OrgID] = b.DepositFen
		}
		switch {
		case winner != nil:
			sale.Outcome, sale.WinnerOrgID, sale.WinningSeq = OutcomeSold, winner.OrgID, winner.Seq
			amount := winner.Amount
			sale.WinningBidFen = &amount
		case reason == OutcomeToAuction:
			sale.Outcome = OutcomeToAuction
		default:
			sale.Outcome = OutcomeUnsold
		}
		if err := updateClosedSale(ctx, tx, sale); err != nil {
			return err
		}
		if sale.Outcome == OutcomeToAuction {
			next, err := s.openFollowOn(ctx, tx, sale, rs, bidders, now)
			if err != nil {
				return err
			}
			sale.FollowOnSaleID, res.FollowOn = next.ID, &next
		}
		if winner != nil {
			res.WinnerOrgID, res.PriceFen = winner.OrgID, winner.Amount
			if res.WinnerDealID, err = s.settleBidders(ctx, tx, actor, sale, bidders, *winner, now); err != nil {
				return err
			}
		}
		title := domain.Label{Zh: "交易项目已结束：" + outcomeLabel(sale.Outcome).Zh, En: "The sale closed: " + outcomeLabel(sale.Outcome).En}
		orgs := []string{sale.SellerOrgID}
		for _, b := range bidders {
			orgs = append(orgs, b.OrgID)
		}
		for _, org := range orgs {
			if err := s.notifyOrg(ctx, tx, org, "deal.sale.closed", sale.ID, title, "/sales/"+sale.ID); err != nil {
				return err
			}
		}
		res.Sale = sale
		return s.audit(ctx, tx, actor, op, "sale", sale.ID, map[string]any{"outcome": sale.Outcome, "reason": reason,
			"winner_org_id": sale.WinnerOrgID, "winning_bid_fen": sale.WinningBidFen, "bids": len(bids), "follow_on_sale_id": sale.FollowOnSaleID})
	})
	if err != nil {
		return Sale{}, fmt.Errorf("%s: %w", op, err)
	}
	s.saleChanged(saleID) // watch.go
	for _, f := range s.onSaleClosed {
		f(res)
	}
	return res.Sale, nil
}

func outcomeLabel(o string) domain.Label {
	switch o {
	case OutcomeSold:
		return domain.Label{Zh: "已成交", En: "sold"}
	case OutcomeToAuction:
		return domain.Label{Zh: "多个意向方，转入竞价", En: "several buyers, going to auction"}
	}
	return domain.Label{Zh: "未成交", En: "not sold"}
}

// decideSale picks the winning bid, or says why there is none ("no_bids",
// "reserve_not_met", or OutcomeToAuction for a listing going to auction).
func decideSale(sale Sale, bids []StoredBid, rs rules.RuleSet) (*StoredBid, string) {
	if len(bids) == 0 {
		return nil, "no_bids"
	}
	var w StoredBid
	switch sale.Method {
	case rules.English:
		w = bids[len(bids)-1] // the last accepted English bid is the highest
	case rules.Sealed:
		w, _ = SealedWinner(bids)
	case rules.Listing:
		if len(bids) > 1 && rs.Listing.MultipleBuyers == rules.MultipleBuyersAuction {
			return nil, OutcomeToAuction
		}
		w = bids[0] // the only or the first buyer
	}
	if sale.ReserveFen != nil && w.Amount < *sale.ReserveFen {
		return nil, "reserve_not_met"
	}
	return &w, "best_bid"
}

func updateClosedSale(ctx context.Context, tx *store.Tx, sale Sale) error {
	var winning any
	if sale.WinningBidFen != nil {
		winning = int64(*sale.WinningBidFen)
	}
	var seq any
	if sale.WinningSeq > 0 {
		seq = sale.WinningSeq
	}
	if _, err := tx.Exec(ctx, `UPDATE deal_sales SET state = ?, outcome = ?, winner_org_id = ?, winning_bid_fen = ?, winning_seq = ?,
		closed_at = ?, updated_at = ? WHERE id = ?`, string(sale.State), sale.Outcome, store.NullString(sale.WinnerOrgID), winning, seq,
		sale.ClosedAt, sale.UpdatedAt, sale.ID); err != nil {
		return fmt.Errorf("close sale: %w", err)
	}
	return nil
}

// settleBidders agrees the winner's deal at the winning price and marks the
// other bidders' deals lost. It returns the winner's deal id.
func (s *Service) settleBidders(ctx context.Context, tx *store.Tx, actor domain.Actor, sale Sale, bidders []Bidder, w StoredBid, now time.Time) (string, error) {
	const op = "deal.sale.settle"
	winnerDeal := ""
	for _, b := range bidders {
		d, err := getDeal(ctx, tx, b.DealID, true)
		if err != nil {
			return "", err
		}
		from := d.State
		if b.OrgID == w.OrgID {
			if err := fire(op, &d, EvWin); err != nil {
				return "", err
			}
			d.AgreedTerms = &OfferTerms{PriceFen: w.Amount, Note: fmt.Sprintf("won %s, bid #%d", rules.Methods.Label(string(sale.Method)).En, w.Seq)}
			d.AgreedAt, d.Method, d.SaleID = &now, sale.Method, sale.ID
			winnerDeal = d.ID
		} else {
			if _, r := dealMachine.step(d.State, EvLose); r != nil {
				continue // the room already ended some other way
			}
			_ = fire(op, &d, EvLose)
			d.EndReason = "another bidder won the sale"
		}
		d.UpdatedAt = now
		if err := saveDeal(ctx, tx, d); err != nil {
			return "", err
		}
		if err := s.audit(ctx, tx, actor, op, "deal", d.ID, map[string]any{"from": from, "to": d.State, "sale_id": sale.ID}); err != nil {
			return "", err
		}
	}
	return winnerDeal, nil
}

// openFollowOn starts the English auction among a listing's several buyers,
// from the listed price, with their registrations and deposits carried over.
func (s *Service) openFollowOn(ctx context.Context, tx *store.Tx, parent Sale, rs rules.RuleSet, bidders []Bidder, now time.Time) (Sale, error) {
	a := rs.Auction
	end := now.Add(time.Duration(rs.Listing.AuctionMinutes) * time.Minute)
	next := Sale{ID: domain.NewID(), ListingID: parent.ListingID, SellerOrgID: parent.SellerOrgID, Venue: parent.Venue,
		RuleVersion: parent.RuleVersion, Method: rules.English, State: SaleOpen, StartPriceFen: parent.StartPriceFen,
		IncrementFen: a.IncrementFen, IncrementBP: a.IncrementBP, DepositFen: parent.DepositFen,
		AntiSnipingSec: a.AntiSnipingMinutes * 60, ExtensionSec: a.ExtensionMinutes * 60, MaxExtensions: a.MaxExtensions,
		StartsAt: now, EndsAt: end, OriginalEndsAt: end, ParentSaleID: parent.ID, CreatedBy: "system:follow-on", CreatedAt: now, UpdatedAt: now}
	if err := insertSale(ctx, tx, next); err != nil {
		return Sale{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE deal_sales SET follow_on_sale_id = ? WHERE id = ?`, next.ID, parent.ID); err != nil {
		return Sale{}, fmt.Errorf("link follow-on sale: %w", err)
	}
	for _, b := range bidders {
		if _, err := tx.Exec(ctx, `INSERT INTO deal_sale_bidders (sale_id, org_id, deal_id, deposit_fen, deposit_basis, registered_by, registered_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, next.ID, b.OrgID, b.DealID, int64(b.DepositFen), b.DepositBasis, "system:follow-on", now); err != nil {
			return Sale{}, fmt.Errorf("carry bidder over: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE deals SET method = ?, sale_id = ?, updated_at = ? WHERE id = ?`,
			string(rules.English), next.ID, now, b.DealID); err != nil {
			return Sale{}, fmt.Errorf("move room to follow-on sale: %w", err)
		}
	}
	return next, nil
}

// mayRunSale lets the seller, the venue's operators and the system act on a
// sale; with bidders true, registered bidders may too (closing is harmless:
// it only succeeds after the stored close time).
func (s *Service) mayRunSale(ctx context.Context, q store.Querier, actor domain.Actor, sale Sale, bidders []Bidder, bidderOK bool) error {
	if actor.System || actor.HasRoleIn(sale.SellerOrgID, domain.RoleSeller) {
		return nil
	}
	v, err := rules.GetVenue(ctx, q, sale.Venue, false)
	if err != nil {
		return err
	}
	if operates(actor, v) {
		return nil
	}
	if bidderOK {
		for _, b := range bidders {
			if actor.MemberOf(b.OrgID) {
				return nil
			}
		}
	}
	return apperr.E("deal.sale", apperr.Forbidden, "not a party to this sale")
}

// CancelSale withdraws a sale: the seller before any bid, an operator at any
// time with a reason (e.g. a suspension ordered by the venue).
func (s *Service) CancelSale(ctx context.Context, actor domain.Actor, saleID, reason string) (Sale, error) {
	const op = "deal.sale.cancel"
	reason = strings.TrimSpace(reason)
	var f apperr.FieldList
	required(&f, "reason", reason, 1000)
	if err := f.Err(op); err != nil {
		return Sale{}, err
	}
	var out Sale
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		sale, err := getSale(ctx, tx, saleID, true)
		if err != nil {
			return err
		}
		v, err := rules.GetVenue(ctx, tx, sale.Venue, false)
		if err != nil {
			return err
		}
		switch {
		case operates(actor, v):
		case actor.HasRoleIn(sale.SellerOrgID, domain.RoleSeller):
			if sale.BidCount > 0 {
				return refused(op, apperr.Conflict, rules.Refuse("has_bids", "bids were placed; only the venue can cancel the sale now", "已有出价，只能由交易场所撤销"))
			}
		default:
			return apperr.E(op, apperr.Forbidden, "only the seller or the venue's operators cancel a sale")
		}
		to, r := saleMachine.step(sale.State, EvCancel)
		if r != nil {
			return refused(op, apperr.Conflict, r)
		}
		now := s.clock()
		sale.State, sale.Outcome, sale.ClosedAt, sale.UpdatedAt = to, "cancelled", &now, now
		if err := updateClosedSale(ctx, tx, sale); err != nil {
			return err
		}
		// Rooms on the listing go back to agreement pricing.
		if _, err := tx.Exec(ctx, `UPDATE deals SET method = 'agreement', sale_id = NULL, updated_at = ? WHERE sale_id = ? AND state IN ('interest', 'room_open', 'negotiating')`,
			now, sale.ID); err != nil {
			return fmt.Errorf("release rooms: %w", err)
		}
		out = sale
		return s.audit(ctx, tx, actor, op, "sale", sale.ID, map[string]any{"reason": reason, "bids": sale.BidCount})
	})
	if err != nil {
		return Sale{}, fmt.Errorf("%s: %w", op, err)
	}
	s.saleChanged(saleID) // watch.go
	return out, nil
}

// SaleView is a sale as a viewer may see it: the reserve only for the seller
// and operators, sealed amounts to nobody before the close, and bidders under
// aliases.
type SaleView struct {
	Sale
	MinNextFen domain.Fen `json:"min_next_fen"`
	ReserveMet *bool      `json:"reserve_met,omitempty"`
	Bidders    int        `json:"bidders"`
	Registered bool       `json:"registered"`
	YouLead    bool       `json:"you_lead"`
}

// BidView is an accepted bid in a sale's public history.
type BidView struct {
	Seq       int64      `json:"seq"`
	Bidder    string     `json:"bidder"` // alias: "竞买人 3 / Bidder 3", by registration order
	OrgID     string     `json:"org_id,omitempty"`
	AmountFen domain.Fen `json:"amount_fen"`
	PlacedAt  time.Time  `json:"placed_at"`
	Mine      bool       `json:"mine"`
}

// GetSale returns a sale as actor may see it. Auctions and listings are public.
func (s *Service) GetSale(ctx context.Context, actor domain.Actor, saleID string) (SaleView, error) {
	sale, err := getSale(ctx, s.db, saleID, false)
	if err != nil {
		return SaleView{}, err
	}
	privileged := s.mayRunSale(ctx, s.db, actor, sale, nil, false) == nil
	book := sale.book()
	v := SaleView{Sale: sale, MinNextFen: book.MinNext()}
	// This is the live-price read bidders poll, so it counts instead of listing.
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM deal_sale_bidders WHERE sale_id = ?`, saleID).Scan(&v.Bidders); err != nil {
		return SaleView{}, fmt.Errorf("count bidders: %w", err)
	}
	if orgs := actor.OrgIDs(); len(orgs) > 0 && !actor.System {
		args := []any{saleID}
		for _, o := range orgs {
			args = append(args, o)
		}
		var mine int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM deal_sale_bidders WHERE sale_id = ? AND org_id IN (`+store.Placeholders(len(orgs))+`)`,
			args...).Scan(&mine); err != nil {
			return SaleView{}, fmt.Errorf("check registration: %w", err)
		}
		v.Registered = mine > 0
	}
	v.YouLead = sale.LeaderOrgID != "" && actor.MemberOf(sale.LeaderOrgID) && !actor.System
	if sale.ReserveFen != nil && sale.Method == rules.English {
		met := sale.CurrentPriceFen != nil && *sale.CurrentPriceFen >= *sale.ReserveFen
		v.ReserveMet = &met
	}
	if !privileged {
		v.ReserveFen, v.LeaderOrgID = nil, ""
	}
	if sale.Method == rules.Sealed && sale.State == SaleOpen {
		v.CurrentPriceFen, v.LeaderOrgID = nil, ""
	}
	return v, nil
}

// Bids lists a sale's accepted bids under bidder aliases. Before a sealed-bid
// auction closes each bidder sees only its own bids and nobody else sees any.
func (s *Service) Bids(ctx context.Context, actor domain.Actor, saleID string) ([]BidView, error) {
	sale, err := getSale(ctx, s.db, saleID, false)
	if err != nil {
		return nil, err
	}
	bidders, err := listBidders(ctx, s.db, saleID, "")
	if err != nil {
		return nil, err
	}
	alias := map[string]int{}
	for i, b := range bidders {
		alias[b.OrgID] = i + 1
	}
	privileged := s.mayRunSale(ctx, s.db, actor, sale, nil, false) == nil
	bids, err := listBids(ctx, s.db, `sale_id = ?`, saleID)
	if err != nil {
		return nil, err
	}
	sealedOpen := sale.Method == rules.Sealed && sale.State == SaleOpen
	out := make([]BidView, 0, len(bids))
	for _, b := range bids {
		mine := actor.MemberOf(b.OrgID) && !actor.System
		if sealedOpen && !mine {
			continue
		}
		v := BidView{Seq: b.Seq, Bidder: fmt.Sprintf("竞买人 %d / Bidder %d", alias[b.OrgID], alias[b.OrgID]), AmountFen: b.Amount,
			PlacedAt: b.PlacedAt, Mine: mine}
		if privileged && !sealedOpen {
			v.OrgID = b.OrgID
		}
		out = append(out, v)
	}
	return out, nil
}
