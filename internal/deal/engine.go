package deal

import (
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
)

// Book is the part of a sale that bids change. Apply is the only code that
// changes it: PlaceBid runs it under the sale's row lock, and Replay runs it
// over the stored bids in sequence order. Both must end in the same state.
type Book struct {
	Method        rules.Method
	StartPrice    domain.Fen // English: the opening bid; sealed: the least bid; listing: the price
	IncrementFen  domain.Fen
	IncrementBP   int64
	AntiSniping   time.Duration // a bid this close to the end…
	Extension     time.Duration // …moves the end to the bid time plus this
	MaxExtensions int           // 0: no limit
	StartsAt      time.Time
	EndsAt        time.Time // current close time, extended by anti-sniping
	Extensions    int

	Price    domain.Fen // English: the highest bid so far (0 before the first)
	Leader   string     // English: the organisation holding the highest bid
	BidCount int
	LastSeq  int64
}

// BidAttempt is one bid offered to the book. At is the server's time when the
// bid took the sale's lock; AlreadyBid says whether the organisation has an
// accepted bid in this sale (sealed bids and listings take one per bidder).
type BidAttempt struct {
	OrgID      string
	Amount     domain.Fen
	At         time.Time
	AlreadyBid bool
}

// MinNext is the least acceptable next bid.
func (b *Book) MinNext() domain.Fen {
	if b.Method != rules.English || b.BidCount == 0 {
		return b.StartPrice
	}
	return b.Price + rules.AuctionRules{IncrementFen: b.IncrementFen, IncrementBP: b.IncrementBP}.MinIncrement(b.Price)
}

// Apply accepts a bid into the book, giving it the next sequence number, or
// refuses it and leaves the book unchanged.
func (b *Book) Apply(a BidAttempt) (seq int64, refusal *rules.Refusal) {
	switch {
	case a.At.Before(b.StartsAt):
		return 0, rules.Refuse("sale_not_started", "bidding opens at %s (China time)", "竞价于北京时间 %s 开始",
			b.StartsAt.In(chinaZone).Format("2006-01-02 15:04:05"))
	case !a.At.Before(b.EndsAt):
		return 0, rules.Refuse("sale_closed", "bidding closed at %s (China time)", "竞价已于北京时间 %s 结束",
			b.EndsAt.In(chinaZone).Format("2006-01-02 15:04:05"))
	case a.Amount <= 0 || a.Amount > maxMoney:
		return 0, rules.Refuse("bid_out_of_range", "the bid must be positive and at most 10 trillion yuan", "出价须大于零且不超过10万亿元").On("amount_fen")
	}
	switch b.Method {
	case rules.English:
		if a.OrgID == b.Leader {
			return 0, rules.Refuse("already_leading", "you hold the highest bid; wait to be outbid", "您已是当前最高出价者，不能连续出价")
		}
		if min := b.MinNext(); a.Amount < min {
			return 0, rules.Refuse("bid_below_minimum", "the bid must be at least %s yuan", "出价不得低于%s元", min.Yuan()).On("amount_fen")
		}
		b.Price, b.Leader = a.Amount, a.OrgID
		b.extend(a.At)
	case rules.Sealed:
		if a.AlreadyBid {
			return 0, rules.Refuse("already_bid", "a sealed-bid auction takes one bid per bidder", "密封报价每个竞买人只能报价一次")
		}
		if a.Amount < b.StartPrice {
			return 0, rules.Refuse("bid_below_minimum", "the bid must be at least %s yuan", "出价不得低于%s元", b.StartPrice.Yuan()).On("amount_fen")
		}
	case rules.Listing:
		if a.AlreadyBid {
			return 0, rules.Refuse("already_accepted", "you already accepted the listed price", "您已确认受让该挂牌项目")
		}
		if a.Amount != b.StartPrice {
			return 0, rules.Refuse("not_listed_price", "a fixed-price listing is accepted at its price of %s yuan", "挂牌项目须按挂牌价%s元受让",
				b.StartPrice.Yuan()).On("amount_fen")
		}
	default:
		return 0, rules.Refuse("not_biddable", "this sale takes no bids", "该交易项目不接受出价")
	}
	b.BidCount++
	b.LastSeq++
	return b.LastSeq, nil
}

// extend applies anti-sniping: a bid less than AntiSniping before the close
// moves the close to Extension after the bid, never earlier than it was.
func (b *Book) extend(at time.Time) {
	if b.AntiSniping <= 0 || b.EndsAt.Sub(at) >= b.AntiSniping {
		return
	}
	if b.MaxExtensions > 0 && b.Extensions >= b.MaxExtensions {
		return
	}
	if end := at.Add(b.Extension); end.After(b.EndsAt) {
		b.EndsAt = end
		b.Extensions++
	}
}

// StoredBid is an accepted bid as stored.
type StoredBid struct {
	Seq      int64      `json:"seq"`
	OrgID    string     `json:"org_id"`
	UserID   string     `json:"-"`
	Amount   domain.Fen `json:"amount_fen"`
	PlacedAt time.Time  `json:"placed_at"`
}

// Replay applies stored bids in sequence order to the book as it was when the
// sale opened. Every bid must be accepted again with the same sequence number;
// the returned book is the state the sale must be in.
func Replay(opening Book, bids []StoredBid) (Book, error) {
	b := opening
	bidders := map[string]bool{}
	for i, bid := range bids {
		if bid.Seq != int64(i+1) {
			return b, fmt.Errorf("bid %d has sequence number %d: the sequence has a gap or is out of order", i+1, bid.Seq)
		}
		seq, r := b.Apply(BidAttempt{OrgID: bid.OrgID, Amount: bid.Amount, At: bid.PlacedAt, AlreadyBid: bidders[bid.OrgID]})
		if r != nil {
			return b, fmt.Errorf("stored bid %d (%s yuan by %s at %s) would be refused: %s", bid.Seq, bid.Amount.Yuan(), bid.OrgID,
				bid.PlacedAt.Format(time.RFC3339Nano), r.En)
		}
		if seq != bid.Seq {
			return b, fmt.Errorf("stored bid %d replays as %d", bid.Seq, seq)
		}
		bidders[bid.OrgID] = true
	}
	return b, nil
}

// SameState compares the parts of two books that bids change and says how they
// differ ("" when equal).
func SameState(a, b Book) string {
	switch {
	case a.Price != b.Price:
		return fmt.Sprintf("price %d ≠ %d", a.Price, b.Price)
	case a.Leader != b.Leader:
		return fmt.Sprintf("leader %s ≠ %s", a.Leader, b.Leader)
	case a.BidCount != b.BidCount:
		return fmt.Sprintf("bid count %d ≠ %d", a.BidCount, b.BidCount)
	case a.LastSeq != b.LastSeq:
		return fmt.Sprintf("last sequence %d ≠ %d", a.LastSeq, b.LastSeq)
	case !a.EndsAt.Equal(b.EndsAt):
		return fmt.Sprintf("close time %s ≠ %s", a.EndsAt.Format(time.RFC3339Nano), b.EndsAt.Format(time.RFC3339Nano))
	case a.Extensions != b.Extensions:
		return fmt.Sprintf("extensions %d ≠ %d", a.Extensions, b.Extensions)
	}
	return ""
}

// SealedWinner picks the winning sealed bid: the highest amount, and among
// equal amounts the lowest sequence number, i.e. the bid that was accepted
// first. The order is total, so the result depends only on the stored bids.
func SealedWinner(bids []StoredBid) (StoredBid, bool) {
	var best StoredBid
	found := false
	for _, b := range bids {
		if !found || b.Amount > best.Amount || (b.Amount == best.Amount && b.Seq < best.Seq) {
			best, found = b, true
		}
	}
	return best, found
}
