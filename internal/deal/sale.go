package deal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Sale outcomes.
const (
	OutcomeSold      = "sold"
	OutcomeUnsold    = "unsold"
	OutcomeToAuction = "to_auction" // a listing with several buyers went to an English auction
)

// Sale prices one listing by a fixed-price listing (挂牌) or an auction, under
// one venue's rule-set version. The bidding parameters are copied from the rule
// set when the sale opens, so that the sale row alone decides every bid.
type Sale struct {
	ID              string       `json:"id"`
	ListingID       string       `json:"listing_id"`
	SellerOrgID     string       `json:"seller_org_id"`
	Venue           string       `json:"venue"`
	RuleVersion     int          `json:"rule_version"`
	Method          rules.Method `json:"method"`
	State           State        `json:"state"`
	Outcome         string       `json:"outcome,omitempty"`
	StartPriceFen   domain.Fen   `json:"start_price_fen"`
	ReserveFen      *domain.Fen  `json:"reserve_fen,omitempty"` // hidden from bidders
	IncrementFen    domain.Fen   `json:"increment_fen"`
	IncrementBP     int64        `json:"increment_bp,omitempty"`
	DepositFen      domain.Fen   `json:"deposit_fen"`
	AntiSnipingSec  int          `json:"anti_sniping_sec"`
	ExtensionSec    int          `json:"extension_sec"`
	MaxExtensions   int          `json:"max_extensions"`
	StartsAt        time.Time    `json:"starts_at"`
	EndsAt          time.Time    `json:"ends_at"`
	OriginalEndsAt  time.Time    `json:"original_ends_at"`
	Extensions      int          `json:"extensions"`
	CurrentPriceFen *domain.Fen  `json:"current_price_fen,omitempty"`
	LeaderOrgID     string       `json:"leader_org_id,omitempty"`
	BidCount        int          `json:"bid_count"`
	LastSeq         int64        `json:"last_seq"`
	WinnerOrgID     string       `json:"winner_org_id,omitempty"`
	WinningBidFen   *domain.Fen  `json:"winning_bid_fen,omitempty"`
	WinningSeq      int64        `json:"winning_seq,omitempty"`
	FollowOnSaleID  string       `json:"follow_on_sale_id,omitempty"`
	ParentSaleID    string       `json:"parent_sale_id,omitempty"`
	ClosedAt        *time.Time   `json:"closed_at,omitempty"`
	CreatedBy       string       `json:"created_by"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// book is the sale's bidding state now.
func (s Sale) book() Book {
	b := s.openingBook()
	b.EndsAt, b.Extensions, b.Leader, b.BidCount, b.LastSeq = s.EndsAt, s.Extensions, s.LeaderOrgID, s.BidCount, s.LastSeq
	if s.CurrentPriceFen != nil {
		b.Price = *s.CurrentPriceFen
	}
	return b
}

// openingBook is the bidding state when the sale opened, the start of a replay.
func (s Sale) openingBook() Book {
	return Book{Method: s.Method, StartPrice: s.StartPriceFen, IncrementFen: s.IncrementFen, IncrementBP: s.IncrementBP,
		AntiSniping: time.Duration(s.AntiSnipingSec) * time.Second, Extension: time.Duration(s.ExtensionSec) * time.Second,
		MaxExtensions: s.MaxExtensions, StartsAt: s.StartsAt, EndsAt: s.OriginalEndsAt}
}

// SaleInput opens a sale.
type SaleInput struct {
	ListingID string       `json:"listing_id"`
	Venue     string       `json:"venue"`
	Method    rules.Method `json:"method"` // listing | auction_english | auction_sealed
	// StartPriceFen is the listed price, the English opening bid or the least sealed bid.
	StartPriceFen domain.Fen  `json:"start_price_fen"`
	ReserveFen    *domain.Fen `json:"reserve_fen,omitempty"`
	// IncrementFen may raise the venue's minimum increment, never lower it.
	IncrementFen domain.Fen `json:"increment_fen,omitempty"`
	// StartsAt and EndsAt default to the earliest start the venue allows and its
	// default length (auctions) or notice period (listings).
	StartsAt *time.Time `json:"starts_at,omitempty"`
	EndsAt   *time.Time `json:"ends_at,omitempty"`
}

// OpenSale puts a published achievement up for a fixed-price listing or an
// auction, checked against the venue's current rules: permitted method for the
// asset and for state-owned achievements, the announce and notice periods in
// calendar or working days, the increment and the deposit.
func (s *Service) OpenSale(ctx context.Context, actor domain.Actor, in SaleInput) (Sale, error) {
	const op = "deal.sale.open"
	if in.Venue == "" {
		in.Venue = rules.DefaultVenue
	}
	var out Sale
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		now := s.clock()
		l, err := loadListingFacts(ctx, tx, in.ListingID)
		if err != nil {
			return err
		}
		v, err := rules.GetVenue(ctx, tx, in.Venue, false)
		if err != nil {
			return err
		}
		if !actor.HasRoleIn(l.OwnerOrgID, domain.RoleSeller) && !operates(actor, v) {
			return apperr.E(op, apperr.Forbidden, "only the listing's seller or the venue's operators open a sale")
		}
		if l.Kind != listing.KindAchievement {
			return refused(op, apperr.Invalid, rules.Refuse("needs_use_challenges", "a need is put to the market as a challenge", "技术需求请以揭榜挂帅方式发布").On("method"))
		}
		if r := l.available(now); r != nil {
			return refused(op, apperr.Conflict, r)
		}
		rs, err := s.rules.Load(ctx, tx, v.Code, v.CurrentVersion)
		if err != nil {
			return err
		}
		sale, err := s.planSale(op, in, rs, l, now)
		if err != nil {
			return err
		}
		if _, running, err := openSaleOf(ctx, tx, l.ID); err != nil {
			return err
		} else if running {
			return refused(op, apperr.Conflict, rules.Refuse("sale_running", "the listing already has a sale running", "该项目已有正在进行的交易"))
		}
		var committed int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deals WHERE listing_id = ? AND state IN ('agreed', 'notice', 'contracting')`, l.ID).Scan(&committed); err != nil {
			return fmt.Errorf("check agreed deals: %w", err)
		}
		if committed > 0 {
			return refused(op, apperr.Conflict, rules.Refuse("listing_committed",
				"a deal on this listing is already agreed; it cannot also be sold", "该项目已有达成一致的交易，不能再挂牌或拍卖"))
		}
		sale.ID, sale.ListingID, sale.SellerOrgID, sale.CreatedBy = domain.NewID(), l.ID, l.OwnerOrgID, actorRef(actor)
		sale.CreatedAt, sale.UpdatedAt = now, now
		if err := insertSale(ctx, tx, sale); err != nil {
			return err
		}
		// Rooms already open on the listing now negotiate through the sale.
		if _, err := tx.Exec(ctx, `UPDATE deals SET method = ?, sale_id = ?, updated_at = ? WHERE listing_id = ? AND state IN ('interest', 'room_open', 'negotiating')`,
			string(sale.Method), sale.ID, now, l.ID); err != nil {
			return fmt.Errorf("link rooms to sale: %w", err)
		}
		out = sale
		return s.audit(ctx, tx, actor, op, "sale", sale.ID, map[string]any{"listing_id": l.ID, "method": sale.Method, "venue": sale.Venue,
			"rule_version": sale.RuleVersion, "start_price_fen": sale.StartPriceFen, "starts_at": sale.StartsAt, "ends_at": sale.EndsAt})
	})
	if err != nil {
		return Sale{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// planSale checks the input against the rules and fills the sale's terms.
func (s *Service) planSale(op string, in SaleInput, rs rules.RuleSet, l listingFacts, now time.Time) (Sale, error) {
	if in.Method != rules.Listing && !in.Method.IsAuction() {
		return Sale{}, apperr.Fields(op, apperr.Field("method", "invalid", "a sale is a listing, an English auction or a sealed-bid auction", "交易方式须为挂牌、增价拍卖或密封报价"))
	}
	if r := rs.Permits(in.Method, l.assets(), l.StateOwned); r != nil {
		return Sale{}, refused(op, apperr.Invalid, r.On("method"))
	}
	var f apperr.FieldList
	if in.StartPriceFen <= 0 || in.StartPriceFen > maxMoney {
		f.Add("start_price_fen", "out_of_range", "the starting or listed price must be positive", "起拍价或挂牌价须大于零")
	}
	if in.ReserveFen != nil && (in.Method == rules.Listing || *in.ReserveFen < in.StartPriceFen || *in.ReserveFen > maxMoney) {
		f.Add("reserve_fen", "out_of_range", "a reserve applies to auctions and is at least the starting price", "保留价仅适用于拍卖，且不得低于起拍价")
	}
	if err := f.Err(op); err != nil {
		return Sale{}, err
	}
	sale := Sale{Venue: rs.Venue, RuleVersion: rs.Version, Method: in.Method, State: SaleOpen, StartPriceFen: in.StartPriceFen,
		ReserveFen: in.ReserveFen, DepositFen: rs.Deposit.Of(in.StartPriceFen)}
	sale.StartsAt = now
	if in.StartsAt != nil {
		sale.StartsAt = in.StartsAt.UTC().Truncate(time.Microsecond)
	}
	var minEnd time.Time
	if in.Method == rules.Listing {
		if sale.StartsAt.Before(now) {
			sale.StartsAt = now
		}
		period := rs.ListingNotice(l.StateOwned)
		minEnd, _ = period.End(sale.StartsAt, s.cal)
		if in.EndsAt != nil && in.EndsAt.Before(minEnd) {
			zh := fmt.Sprintf("挂牌期不得少于%s，最早于北京时间 %s 结束", period.Label().Zh, minEnd.In(chinaZone).Format("2006-01-02 15:04"))
			en := fmt.Sprintf("the listing must stay open at least %s, until %s China time", period.Label().En, minEnd.In(chinaZone).Format("2006-01-02 15:04"))
			if l.StateOwned {
				zh, en = "国有科技成果"+zh, "for a state-owned achievement "+en
			}
			return Sale{}, refused(op, apperr.Invalid, &rules.Refusal{Code: "notice_too_short", En: en, Zh: zh, Field: "ends_at"})
		}
	} else {
		a := rs.Auction
		earliest, _ := a.Announce.End(now, s.cal)
		if sale.StartsAt.Before(earliest) {
			return Sale{}, refused(op, apperr.Invalid, rules.Refuse("announce_too_short",
				"an auction is announced %s before it starts: the earliest start is %s China time",
				"拍卖须提前%s公告，最早于北京时间 %s 开始", a.Announce.Label().En, earliest.In(chinaZone).Format("2006-01-02 15:04")).On("starts_at"))
		}
		minEnd = sale.StartsAt.Add(time.Duration(a.MinMinutes) * time.Minute)
		if in.EndsAt == nil {
			e := sale.StartsAt.Add(time.Duration(a.DefaultMinutes) * time.Minute)
			in.EndsAt = &e
		}
		if in.EndsAt.Before(minEnd) {
			return Sale{}, refused(op, apperr.Invalid, rules.Refuse("too_short", "bidding must last at least %d minutes", "竞价时长不得少于%d分钟", a.MinMinutes).On("ends_at"))
		}
		sale.IncrementFen, sale.IncrementBP = a.IncrementFen, a.IncrementBP
		if in.IncrementFen > 0 {
			if in.IncrementFen < a.IncrementFen {
				return Sale{}, refused(op, apperr.Invalid, rules.Refuse("increment_below_rule", "the venue's minimum increment is %s yuan",
					"本场所最低加价幅度为%s元", a.IncrementFen.Yuan()).On("increment_fen"))
			}
			sale.IncrementFen = in.IncrementFen
		}
		sale.AntiSnipingSec, sale.ExtensionSec, sale.MaxExtensions = a.AntiSnipingMinutes*60, a.ExtensionMinutes*60, a.MaxExtensions
	}
	sale.EndsAt = minEnd
	if in.EndsAt != nil {
		sale.EndsAt = in.EndsAt.UTC().Truncate(time.Microsecond)
	}
	sale.OriginalEndsAt = sale.EndsAt
	return sale, nil
}

// Bidder is an organisation registered to bid in a sale.
type Bidder struct {
	SaleID       string     `json:"sale_id"`
	OrgID        string     `json:"org_id"`
	DealID       string     `json:"deal_id"`
	DepositFen   domain.Fen `json:"deposit_fen"`
	DepositBasis string     `json:"deposit_basis,omitempty"` // none | ledger | operator
	RegisteredAt time.Time  `json:"registered_at"`
}

// RegisterBidder admits the actor's organisation to a sale. It needs an open
// deal room on the listing with the NDA accepted, and the deposit held (ledger)
// or confirmed by an operator when the venue asks one. Registering twice
// returns the existing registration.
func (s *Service) RegisterBidder(ctx context.Context, actor domain.Actor, saleID, orgID string) (Bidder, error) {
	const op = "deal.sale.register"
	if orgID == "" {
		orgID = defaultOrg(actor, domain.RoleBuyer)
	}
	if orgID == "" || !actor.HasRoleIn(orgID, domain.RoleBuyer) {
		return Bidder{}, apperr.E(op, apperr.Forbidden, "bidding needs the buyer role in your organisation")
	}
	var out Bidder
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		sale, err := getSale(ctx, tx, saleID, true)
		if err != nil {
			return err
		}
		now := s.clock()
		if sale.State != SaleOpen || !now.Before(sale.EndsAt) {
			return refused(op, apperr.Conflict, rules.Refuse("sale_closed", "the sale is closed", "该交易项目已结束"))
		}
		if b, ok, err := getBidder(ctx, tx, sale.ID, orgID); err != nil || ok {
			out = b
			return err
		}
		d, ok, err := dealFor(ctx, tx, sale.ListingID, orgID, true)
		if err != nil {
			return err
		}
		if !ok || (d.State != StateRoomOpen && d.State != StateNegotiating) {
			return refused(op, apperr.Conflict, rules.Refuse("nda_required",
				"open a deal room on the listing and accept its NDA before registering to bid", "请先对该项目表达意向并签署保密协议，再报名竞价"))
		}
		b := Bidder{SaleID: sale.ID, OrgID: orgID, DealID: d.ID, DepositFen: sale.DepositFen, DepositBasis: "none", RegisteredAt: now}
		if sale.DepositFen > 0 {
			b.DepositBasis, err = s.depositBasis(ctx, tx, sale, orgID)
			if err != nil {
				return err
			}
			if b.DepositBasis == "" {
				return refused(op, apperr.Conflict, rules.Refuse("deposit_missing", "a deposit of %s yuan must be held before bidding",
					"报名竞价须先缴纳保证金%s元", sale.DepositFen.Yuan()))
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_sale_bidders (sale_id, org_id, deal_id, deposit_fen, deposit_basis, registered_by, registered_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.SaleID, b.OrgID, b.DealID, int64(b.DepositFen), b.DepositBasis, actorRef(actor), b.RegisteredAt); err != nil {
			return fmt.Errorf("register bidder: %w", err)
		}
		// The room now runs under the sale's method and rule set.
		d.Method, d.SaleID, d.Venue, d.RuleVersion, d.UpdatedAt = sale.Method, sale.ID, sale.Venue, sale.RuleVersion, now
		if err := saveDeal(ctx, tx, d); err != nil {
			return err
		}
		out = b
		return s.audit(ctx, tx, actor, op, "sale", sale.ID, map[string]any{"org_id": orgID, "deal_id": d.ID,
			"deposit_fen": b.DepositFen, "deposit_basis": b.DepositBasis})
	})
	if err != nil {
		return Bidder{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// depositBasis says how the deposit is known to be held: "ledger", "operator",
// or "" when it is not.
func (s *Service) depositBasis(ctx context.Context, q store.Querier, sale Sale, orgID string) (string, error) {
	if s.deposits != nil {
		ok, err := s.deposits.DepositHeld(ctx, q, sale.ID, orgID, sale.DepositFen)
		if err != nil {
			return "", fmt.Errorf("check deposit: %w", err)
		}
		if ok {
			return "ledger", nil
		}
	}
	var amount int64
	err := q.QueryRow(ctx, `SELECT amount_fen FROM deal_sale_deposits WHERE sale_id = ? AND org_id = ?`, sale.ID, orgID).Scan(&amount)
	if store.IsNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read deposit confirmation: %w", err)
	}
	if domain.Fen(amount) >= sale.DepositFen {
		return "operator", nil
	}
	return "", nil
}

// ConfirmDeposit records that an operator saw a bidder's deposit arrive
// outside the platform's ledger (e.g. a bank transfer to the exchange).
func (s *Service) ConfirmDeposit(ctx context.Context, actor domain.Actor, saleID, orgID string, amount domain.Fen) error {
	const op = "deal.sale.deposit"
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		sale, err := getSale(ctx, tx, saleID, true)
		if err != nil {
			return err
		}
		v, err := rules.GetVenue(ctx, tx, sale.Venue, false)
		if err != nil {
			return err
		}
		if !operates(actor, v) {
			return apperr.E(op, apperr.Forbidden, "only the venue's operators confirm deposits")
		}
		if amount < sale.DepositFen || amount > maxMoney {
			return apperr.Fields(op, apperr.Field("amount_fen", "below_deposit", fmt.Sprintf("the deposit is %s yuan", sale.DepositFen.Yuan()),
				fmt.Sprintf("保证金为%s元", sale.DepositFen.Yuan())))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_sale_deposits (sale_id, org_id, amount_fen, confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (sale_id, org_id) DO UPDATE SET amount_fen = excluded.amount_fen, confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at`,
			saleID, orgID, int64(amount), actorRef(actor), s.clock()); err != nil {
			return fmt.Errorf("confirm deposit: %w", err)
		}
		return s.audit(ctx, tx, actor, op, "sale", saleID, map[string]any{"org_id": orgID, "amount_fen": amount})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// BidInput is one bid.
type BidInput struct {
	OrgID     string     `json:"org_id"`
	AmountFen domain.Fen `json:"amount_fen"`
	// ClientRef makes a retried request safe: a second bid with the same
	// reference from the same organisation returns the first instead of bidding twice.
	ClientRef string `json:"client_ref,omitempty"`
}

// Bid is an accepted bid, or on refusal the sale's current minimum next bid
// and close time so that the bidder can try again.
type Bid struct {
	SaleID     string     `json:"sale_id"`
	Seq        int64      `json:"seq,omitempty"`
	OrgID      string     `json:"org_id,omitempty"`
	AmountFen  domain.Fen `json:"amount_fen,omitempty"`
	PlacedAt   time.Time  `json:"placed_at,omitempty"`
	EndsAt     time.Time  `json:"ends_at"`
	Extended   bool       `json:"extended,omitempty"`
	MinNextFen domain.Fen `json:"min_next_fen"`
	Duplicate  bool       `json:"duplicate,omitempty"` // the ClientRef was seen before
}

// PlaceBid offers a bid. The sale row is locked for the whole transaction
// (SELECT … FOR UPDATE on PostgreSQL; SQLite's single writer), the server clock
// is read under the lock and compared with the stored close time, and the bid
// gets the next sequence number. Concurrent bids are thus decided one at a
// time in lock order; a refused bid changes nothing.
//
// Whatever cannot change under the lock is checked before taking it, so that
// the lock is held only by bids that may be accepted: the bidder's registration
// (never revoked), a retried client reference, and refusals that a newer state
// of the sale can only confirm (staleSafe).
func (s *Service) PlaceBid(ctx context.Context, actor domain.Actor, saleID string, in BidInput) (Bid, error) {
	const op = "deal.bid"
	if in.OrgID == "" {
		in.OrgID = defaultOrg(actor, domain.RoleBuyer)
	}
	if in.OrgID == "" || !actor.HasRoleIn(in.OrgID, domain.RoleBuyer) {
		return Bid{}, apperr.E(op, apperr.Forbidden, "bidding needs the buyer role in your organisation")
	}
	in.ClientRef = strings.TrimSpace(in.ClientRef)
	if len(in.ClientRef) > 64 {
		return Bid{}, apperr.Fields(op, apperr.Field("client_ref", "too_long", "at most 64 characters", "最多64个字符"))
	}
	out, done, err := s.precheckBid(ctx, saleID, in)
	if err != nil || done {
		return out, wrapOp(op, err)
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		out = Bid{SaleID: saleID}
		sale, err := getSale(ctx, tx, saleID, true)
		if err != nil {
			return err
		}
		book := sale.book()
		out.EndsAt, out.MinNextFen = book.EndsAt, book.MinNext()
		if _, r := saleMachine.step(sale.State, EvBid); r != nil {
			st := SaleStates.Label(string(sale.State))
			return refused(op, apperr.Conflict, &rules.Refusal{Code: "sale_closed", En: "the sale is " + lower(st.En), Zh: "该交易项目" + st.Zh})
		}
		already := false
		if sale.Method != rules.English {
			if already, err = hasBid(ctx, tx, sale.ID, in.OrgID); err != nil {
				return err
			}
		}
		now := s.clock()
		seq, r := book.Apply(BidAttempt{OrgID: in.OrgID, Amount: in.AmountFen, At: now, AlreadyBid: already})
		if r != nil {
			// A retry of a bid that was accepted while this one waited is refused by
			// the new state ("already leading"); answer it with the stored bid.
			if in.ClientRef != "" {
				if prev, ok, err := bidByRef(ctx, tx, sale.ID, in.OrgID, in.ClientRef); err != nil || ok {
					out.Seq, out.OrgID, out.AmountFen, out.PlacedAt, out.Duplicate = prev.Seq, prev.OrgID, prev.Amount, prev.PlacedAt, true
					return err
				}
			}
			return refused(op, bidRefusalKind(r), r)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_sale_bids (sale_id, seq, bidder_org_id, bidder_user_id, amount_fen, placed_at, client_ref)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, sale.ID, seq, in.OrgID, actorRef(actor), int64(in.AmountFen), now, in.ClientRef); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return errRetriedBid // the same client reference won a race; seq is ours under the lock
			}
			return fmt.Errorf("insert bid: %w", err)
		}
		var price any
		if book.Method == rules.English {
			price = int64(book.Price)
		}
		res, err := tx.Exec(ctx, `UPDATE deal_sales SET current_price_fen = ?, leader_org_id = ?, bid_count = ?, last_seq = ?, ends_at = ?,
			extensions = ?, updated_at = ? WHERE id = ? AND last_seq = ?`,
			price, store.NullString(book.Leader), book.BidCount, book.LastSeq, book.EndsAt, book.Extensions, now, sale.ID, sale.LastSeq)
		if err != nil {
			return fmt.Errorf("update sale: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("sale %s changed while locked (last_seq %d)", sale.ID, sale.LastSeq) // never expected: the row is locked
		}
		out = Bid{SaleID: sale.ID, Seq: seq, OrgID: in.OrgID, AmountFen: in.AmountFen, PlacedAt: now, EndsAt: book.EndsAt,
			Extended: book.EndsAt.After(sale.EndsAt), MinNextFen: book.MinNext()}
		detail := map[string]any{"seq": seq, "org_id": in.OrgID}
		if sale.Method != rules.Sealed {
			detail["amount_fen"] = in.AmountFen // a sealed amount stays in the bid table only
		}
		if out.Extended {
			detail["extended_to"] = book.EndsAt
		}
		return s.audit(ctx, tx, actor, op, "sale", sale.ID, detail)
	})
	if errors.Is(err, errRetriedBid) {
		out, _, err = s.precheckBid(ctx, saleID, in)
		if err == nil && !out.Duplicate {
			err = fmt.Errorf("the bid stored under client reference %q cannot be read back", in.ClientRef)
		}
	}
	if err == nil && !out.Duplicate {
		s.saleChanged(saleID) // watch.go: live auction pages re-read the sale
	}
	return out, wrapOp(op, err)
}

// errRetriedBid says that a bid with the same client reference was stored
// while this one waited for the lock.
var errRetriedBid = errors.New("bid already stored under this client reference")

func wrapOp(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

func hasBid(ctx context.Context, q store.Querier, saleID, orgID string) (bool, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM deal_sale_bids WHERE sale_id = ? AND bidder_org_id = ?`, saleID, orgID).Scan(&n); err != nil {
		return false, fmt.Errorf("count bids: %w", err)
	}
	return n > 0, nil
}

// staleSafe are the refusals that a newer state of the sale can only confirm:
// the minimum next bid never falls, a listed price never changes, a bidder who
// has bid stays one who has bid, and the start time is fixed. A bid refused for
// one of these on an unlocked read would be refused under the lock too, so it
// is refused without taking the lock. The close time is not among them (a
// concurrent bid may have extended it), nor is "already leading".
var staleSafe = map[string]bool{"bid_below_minimum": true, "bid_out_of_range": true, "not_listed_price": true,
	"already_bid": true, "already_accepted": true, "sale_not_started": true}

// precheckBid does the checks that need no lock on an unlocked read of the
// sale. done is true when it settled the bid: a refusal (err), or the earlier
// bid stored under the same client reference (out.Duplicate).
func (s *Service) precheckBid(ctx context.Context, saleID string, in BidInput) (out Bid, done bool, err error) {
	const op = "deal.bid"
	sale, err := getSale(ctx, s.db, saleID, false)
	if err != nil {
		return Bid{}, true, err
	}
	book := sale.book()
	out = Bid{SaleID: saleID, EndsAt: book.EndsAt, MinNextFen: book.MinNext()}
	if _, registered, err := getBidder(ctx, s.db, saleID, in.OrgID); err != nil {
		return out, true, err
	} else if !registered {
		return out, true, refused(op, apperr.Conflict, rules.Refuse("not_registered", "register for the sale before bidding", "请先报名参加竞价"))
	}
	if in.ClientRef != "" {
		if prev, ok, err := bidByRef(ctx, s.db, saleID, in.OrgID, in.ClientRef); err != nil || ok {
			out.Seq, out.OrgID, out.AmountFen, out.PlacedAt, out.Duplicate = prev.Seq, prev.OrgID, prev.Amount, prev.PlacedAt, true
			return out, true, err
		}
	}
	if sale.State != SaleOpen {
		return out, false, nil // the locked path words the refusal
	}
	already := false
	if sale.Method != rules.English {
		if already, err = hasBid(ctx, s.db, saleID, in.OrgID); err != nil {
			return out, true, err
		}
	}
	probe := book
	if _, r := probe.Apply(BidAttempt{OrgID: in.OrgID, Amount: in.AmountFen, At: s.clock(), AlreadyBid: already}); r != nil && staleSafe[r.Code] {
		return out, true, refused(op, bidRefusalKind(r), r)
	}
	return out, false, nil
}

// bidRefusalKind: a bad amount is invalid input; anything else is a conflict
// with the sale's state.
func bidRefusalKind(r *rules.Refusal) apperr.Kind {
	if r.Field == "amount_fen" {
		return apperr.Invalid
	}
	return apperr.Conflict
}

func bidByRef(ctx context.Context, q store.Querier, saleID, orgID, ref string) (StoredBid, bool, error) {
	bids, err := listBids(ctx, q, `sale_id = ? AND bidder_org_id = ? AND client_ref = ?`, saleID, orgID, ref)
	if err != nil || len(bids) == 0 {
		return StoredBid{}, false, err
	}
	return bids[0], true, nil
}

func listBids(ctx context.Context, q store.Querier, where string, args ...any) ([]StoredBid, error) {
	rows, err := q.Query(ctx, `SELECT seq, bidder_org_id, bidder_user_id, amount_fen, placed_at FROM deal_sale_bids WHERE `+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list bids: %w", err)
	}
	defer rows.Close()
	var out []StoredBid
	for rows.Next() {
		var b StoredBid
		var amount int64
		if err := rows.Scan(&b.Seq, &b.OrgID, &b.UserID, &amount, store.Time(&b.PlacedAt)); err != nil {
			return nil, fmt.Errorf("list bids: %w", err)
		}
		b.Amount = domain.Fen(amount)
		out = append(out, b)
	}
	return out, rows.Err()
}

func getBidder(ctx context.Context, q store.Querier, saleID, orgID string) (Bidder, bool, error) {
	bs, err := listBidders(ctx, q, saleID, orgID)
	if err != nil || len(bs) == 0 {
		return Bidder{}, false, err
	}
	return bs[0], true, nil
}

// listBidders lists a sale's bidders in registration order; orgID narrows it to one.
func listBidders(ctx context.Context, q store.Querier, saleID, orgID string) ([]Bidder, error) {
	query, args := `SELECT sale_id, org_id, deal_id, deposit_fen, deposit_basis, registered_at FROM deal_sale_bidders WHERE sale_id = ?`, []any{saleID}
	if orgID != "" {
		query, args = query+` AND org_id = ?`, append(args, orgID)
	}
	rows, err := q.Query(ctx, query+` ORDER BY registered_at, org_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list bidders: %w", err)
	}
	defer rows.Close()
	var out []Bidder
	for rows.Next() {
		var b Bidder
		var dep int64
		if err := rows.Scan(&b.SaleID, &b.OrgID, &b.DealID, &dep, &b.DepositBasis, store.Time(&b.RegisteredAt)); err != nil {
			return nil, fmt.Errorf("list bidders: %w", err)
		}
		b.DepositFen = domain.Fen(dep)
		out = append(out, b)
	}
	return out, rows.Err()
}

const saleColumns = `id, listing_id, seller_org_id, venue_code, rule_version, method, state, outcome, start_price_fen, reserve_fen,
	increment_fen, increment_bp, deposit_fen, anti_sniping_sec, extension_sec, max_extensions, starts_at, ends_at, original_ends_at,
	extensions, current_price_fen, COALESCE(leader_org_id, ''), bid_count, last_seq, COALESCE(winner_org_id, ''), winning_bid_fen,
	COALESCE(winning_seq, 0), COALESCE(follow_on_sale_id, ''), COALESCE(parent_sale_id, ''), closed_at, created_by, created_at, updated_at`

func scanSale(sc rowScanner) (Sale, error) {
	var s Sale
	var start, inc, dep int64
	var reserve, current, winning sql.NullInt64
	err := sc.Scan(&s.ID, &s.ListingID, &s.SellerOrgID, &s.Venue, &s.RuleVersion, &s.Method, &s.State, &s.Outcome, &start, &reserve,
		&inc, &s.IncrementBP, &dep, &s.AntiSnipingSec, &s.ExtensionSec, &s.MaxExtensions, store.Time(&s.StartsAt), store.Time(&s.EndsAt),
		store.Time(&s.OriginalEndsAt), &s.Extensions, &current, &s.LeaderOrgID, &s.BidCount, &s.LastSeq, &s.WinnerOrgID, &winning,
		&s.WinningSeq, &s.FollowOnSaleID, &s.ParentSaleID, store.NullTime(&s.ClosedAt), &s.CreatedBy, store.Time(&s.CreatedAt),
		store.Time(&s.UpdatedAt))
	s.StartPriceFen, s.IncrementFen, s.DepositFen = domain.Fen(start), domain.Fen(inc), domain.Fen(dep)
	s.ReserveFen, s.CurrentPriceFen, s.WinningBidFen = fenPtr(reserve), fenPtr(current), fenPtr(winning)
	return s, err
}

// getSale reads a sale; forUpdate locks its row on PostgreSQL.
func getSale(ctx context.Context, q store.Querier, id string, lock bool) (Sale, error) {
	query := `SELECT ` + saleColumns + ` FROM deal_sales WHERE id = ?`
	if lock {
		query += forUpdate(q)
	}
	sale, err := scanSale(q.QueryRow(ctx, query, id))
	if store.IsNoRows(err) {
		return sale, apperr.E("deal.sale", apperr.NotFound, "sale not found")
	}
	if err != nil {
		return sale, fmt.Errorf("read sale %s: %w", id, err)
	}
	return sale, nil
}

func openSaleOf(ctx context.Context, q store.Querier, listingID string) (Sale, bool, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM deal_sales WHERE listing_id = ? AND state = 'open'`, listingID).Scan(&id)
	if store.IsNoRows(err) {
		return Sale{}, false, nil
	}
	if err != nil {
		return Sale{}, false, fmt.Errorf("find open sale: %w", err)
	}
	sale, err := getSale(ctx, q, id, false)
	return sale, err == nil, err
}

func insertSale(ctx context.Context, q store.Querier, s Sale) error {
	_, err := q.Exec(ctx, `INSERT INTO deal_sales (id, listing_id, seller_org_id, venue_code, rule_version, method, state, start_price_fen,
		reserve_fen, increment_fen, increment_bp, deposit_fen, anti_sniping_sec, extension_sec, max_extensions, starts_at, ends_at,
		original_ends_at, parent_sale_id, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.ListingID, s.SellerOrgID, s.Venue, s.RuleVersion, string(s.Method), string(s.State), int64(s.StartPriceFen),
		fenArg(s.ReserveFen), int64(s.IncrementFen), s.IncrementBP, int64(s.DepositFen), s.AntiSnipingSec, s.ExtensionSec, s.MaxExtensions,
		s.StartsAt, s.EndsAt, s.OriginalEndsAt, store.NullString(s.ParentSaleID), s.CreatedBy, s.CreatedAt, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert sale: %w", err)
	}
	return nil
}

// ReplayReport compares a sale's stored state with a sequential replay of its
// accepted bids.
type ReplayReport struct {
	SaleID     string `json:"sale_id"`
	Bids       int    `json:"bids"`
	Stored     Book   `json:"-"`
	Replayed   Book   `json:"-"`
	Equal      bool   `json:"equal"`
	Difference string `json:"difference,omitempty"`
}

// VerifyReplay replays a sale's stored bids in sequence order from its opening
// state and checks that every bid is accepted again and that the final state
// equals the stored one.
func (s *Service) VerifyReplay(ctx context.Context, saleID string) (ReplayReport, error) {
	sale, err := getSale(ctx, s.db, saleID, false)
	if err != nil {
		return ReplayReport{}, err
	}
	bids, err := listBids(ctx, s.db, `sale_id = ?`, saleID)
	if err != nil {
		return ReplayReport{}, err
	}
	rep := ReplayReport{SaleID: saleID, Bids: len(bids), Stored: sale.book()}
	rep.Replayed, err = Replay(sale.openingBook(), bids)
	if err != nil {
		rep.Difference = err.Error()
		return rep, nil
	}
	rep.Difference = SameState(rep.Replayed, rep.Stored)
	rep.Equal = rep.Difference == ""
	return rep, nil
}
