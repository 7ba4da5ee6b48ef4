package ledger

import (
	"time"

	"github.com/techmarket-org/techmarket/internal/domain"
)

// Transaction kinds. Every command the ledger accepts is journalled as one
// transaction row; the money-moving kinds carry postings.
const (
	KindAgreement      = "agreement"       // settlement terms registered
	KindDeposit        = "deposit"         // bank notice credited to a party
	KindWithdrawal     = "withdrawal"      // payout to a party's bank account
	KindHold           = "hold"            // buyer funds into contract escrow
	KindDeliver        = "deliver"         // seller marks a milestone delivered
	KindDispute        = "dispute"         // buyer disputes a delivery
	KindRelease        = "release"         // milestone accepted (or deemed accepted) and paid out
	KindRefund         = "refund"          // escrow refund, or refund of released money with clawback
	KindAuctionHold    = "auction_hold"    // auction deposit (保证金) held
	KindAuctionReturn  = "auction_return"  // auction deposit returned
	KindAuctionForfeit = "auction_forfeit" // auction deposit forfeited
	KindAuctionApply   = "auction_apply"   // winner's deposit applied to contract escrow
	KindRoyaltyReport  = "royalty_report"  // licensee's sales report; issues invoices
	KindRoyaltyPayment = "royalty_payment" // royalty invoice paid
)

// moneyKinds are the kinds that must have at least one posting.
var moneyKinds = map[string]bool{
	KindDeposit: true, KindWithdrawal: true, KindHold: true, KindRelease: true, KindRefund: true,
	KindAuctionHold: true, KindAuctionReturn: true, KindAuctionForfeit: true, KindAuctionApply: true,
	KindRoyaltyPayment: true,
}

// Posting moves Amount from Source to Destination; each posting balances by
// itself, so every transaction sums to zero per currency.
type Posting struct {
	Source      string     `json:"source"`
	Destination string     `json:"destination"`
	Amount      domain.Fen `json:"amount_fen"`
	Currency    string     `json:"currency"`
}

// Transaction is the result of a command. A replay of the same command with the
// same idempotency key returns the original Transaction with Replayed set.
type Transaction struct {
	ID           string     `json:"id"`
	Key          string     `json:"idempotency_key"`
	Kind         string     `json:"kind"`
	ContractID   string     `json:"contract_id,omitempty"`
	MilestoneSeq int        `json:"milestone_seq,omitempty"`
	RefID        string     `json:"ref_id,omitempty"` // invoice, auction or account the command refers to
	BankRef      string     `json:"bank_ref,omitempty"`
	Amount       domain.Fen `json:"amount_fen"`
	ActorID      string     `json:"actor_id"`
	Memo         string     `json:"memo,omitempty"`
	RecordedAt   time.Time  `json:"recorded_at"`
	Postings     []Posting  `json:"postings"`
	Replayed     bool       `json:"replayed"`
}

// BrokerShare is one broker's commission on a contract (at most two: one per side).
type BrokerShare struct {
	OrgID         string `json:"org_id"`
	CommissionBps int    `json:"commission_bps"`
}

// MilestoneInput is one payment milestone of a contract.
type MilestoneInput struct {
	Title  string     `json:"title"`
	Amount domain.Fen `json:"amount_fen"`
}

// RoyaltyTier is one band of a royalty schedule. Rates apply marginally to the
// licensee's cumulative chargeable sales within a licence year, like tax
// brackets: rising rates make a 递增 schedule, falling rates a 递减 one, and a
// single tier a fixed rate. UpTo is the band's upper bound in cumulative sales;
// 0 means unbounded and is allowed on the last tier only.
type RoyaltyTier struct {
	UpTo    domain.Fen `json:"up_to_fen"`
	RateBps int        `json:"rate_bps"`
}

// RoyaltyTerms are the running-royalty terms of a licence (CC 846): an entry fee
// (入门费), a tiered rate on net sales, a minimum annual royalty, and an optional
// free period for "use first, pay later" (先使用后付费).
type RoyaltyTerms struct {
	StartDate     string        `json:"start_date"` // YYYY-MM-DD; licence years run from here
	EntryFee      domain.Fen    `json:"entry_fee_fen"`
	Tiers         []RoyaltyTier `json:"tiers"`
	MinimumAnnual domain.Fen    `json:"minimum_annual_fen"`
	FreeMonths    int           `json:"free_months"`  // royalty-free period from StartDate
	PaymentDays   int           `json:"payment_days"` // invoices fall due this many days after the period (default 30)
}

// AgreementInput registers the settlement terms of a signed contract. The price
// is the sum of the milestones.
type AgreementInput struct {
	ContractID     string           `json:"contract_id"`
	BuyerOrg       string           `json:"buyer_org"`
	SellerOrg      string           `json:"seller_org"`
	Milestones     []MilestoneInput `json:"milestones"`
	PlatformFeeBps int              `json:"platform_fee_bps"`
	Brokers        []BrokerShare    `json:"brokers,omitempty"`
	// InventorShareBps is the part of the seller's net income set aside for its
	// inventors. nil means the default, 5000 (50%).
	InventorShareBps *int `json:"inventor_share_bps,omitempty"`
	// StateFunded sellers (universities, public institutes) may not go below the
	// statutory 50% inventor share (科技成果转化法 Art 45).
	StateFunded bool `json:"state_funded"`
	// DeemedAcceptanceDays after a delivery without acceptance or dispute, the
	// milestone is deemed accepted and released (default 15).
	DeemedAcceptanceDays int `json:"deemed_acceptance_days"`
	// Venue refund rules: by default a refund of released money claws back the
	// platform fee and the broker commissions pro rata; a venue may let either keep it,
	// in which case the seller bears that share.
	PlatformRetainsFeeOnRefund      bool          `json:"platform_retains_fee_on_refund"`
	BrokersRetainCommissionOnRefund bool          `json:"brokers_retain_commission_on_refund"`
	Royalty                         *RoyaltyTerms `json:"royalty,omitempty"`
}

// Terms are the registered AgreementInput with defaults applied; stored as JSON.
type Terms = AgreementInput

// DefaultInventorShareBps is the statutory default inventor share (50%).
const DefaultInventorShareBps = 5000

// DefaultDeemedAcceptanceDays applies when an agreement names none.
const DefaultDeemedAcceptanceDays = 15

func (t *Terms) inventorShareBps() int {
	if t.InventorShareBps == nil {
		return DefaultInventorShareBps
	}
	return *t.InventorShareBps
}

// Price is the contract price: the sum of the milestones.
func (t *Terms) Price() domain.Fen {
	var p domain.Fen
	for _, m := range t.Milestones {
		p += m.Amount
	}
	return p
}

// Milestone is the state of one payment milestone.
type Milestone struct {
	Seq         int        `json:"seq"`
	Title       string     `json:"title"`
	Amount      domain.Fen `json:"amount_fen"`
	Status      string     `json:"status"` // pending, delivered, disputed, released
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	DeemedAt    *time.Time `json:"deemed_at,omitempty"` // when a delivery becomes deemed accepted
	Released    domain.Fen `json:"released_fen"`
	Refunded    domain.Fen `json:"refunded_fen"`
	ReleaseTx   string     `json:"release_tx,omitempty"`
}

// Milestone statuses.
const (
	MilestonePending   = "pending"
	MilestoneDelivered = "delivered"
	MilestoneDisputed  = "disputed"
	MilestoneReleased  = "released"
)

// Agreement is a registered contract with its running totals.
type Agreement struct {
	Terms            Terms       `json:"terms"`
	Price            domain.Fen  `json:"price_fen"`
	Held             domain.Fen  `json:"held_fen"`
	Released         domain.Fen  `json:"released_fen"`
	EscrowRefunded   domain.Fen  `json:"escrow_refunded_fen"`
	ClawbackRefunded domain.Fen  `json:"clawback_refunded_fen"`
	Escrow           domain.Fen  `json:"escrow_fen"` // current escrow balance
	Milestones       []Milestone `json:"milestones"`
	CreatedAt        time.Time   `json:"created_at"`
}

// BankNotice is the bank's notice of an incoming transfer to the custody account.
type BankNotice struct {
	BankRef string     `json:"bank_ref"` // the bank's unique reference of the credit
	OrgID   string     `json:"org_id"`   // whose available balance is credited
	Amount  domain.Fen `json:"amount_fen"`
	Payer   string     `json:"payer,omitempty"`
	Memo    string     `json:"memo,omitempty"`
}

// WithdrawalInput pays money out of a party's account to its bank account.
type WithdrawalInput struct {
	Account string     `json:"account"` // party:<org>:available, party:<org>:inventor_rewards or broker:<org>:commission
	Amount  domain.Fen `json:"amount_fen"`
	// BankRef is the payout reference the bank will show; empty generates one.
	BankRef string `json:"bank_ref,omitempty"`
	Memo    string `json:"memo,omitempty"`
}

// AcceptInput accepts a milestone. Amount 0 releases the whole milestone; a
// smaller amount is a partial release: the milestone is closed and the rest
// stays in escrow, refundable to the buyer.
type AcceptInput struct {
	ContractID string     `json:"contract_id"`
	Seq        int        `json:"seq"`
	Amount     domain.Fen `json:"amount_fen,omitempty"`
	Memo       string     `json:"memo,omitempty"`
}

// RefundInput returns money to the buyer. Seq 0 refunds unreleased escrow;
// Seq > 0 refunds money already released for that milestone, clawing it back
// from the seller, the brokers and the platform pro rata (see docs/ledger.md).
type RefundInput struct {
	ContractID string     `json:"contract_id"`
	Seq        int        `json:"seq,omitempty"`
	Amount     domain.Fen `json:"amount_fen"`
	Reason     string     `json:"reason"`
}

// RoyaltyReport is a licensee's sales report for one period inside one licence year.
type RoyaltyReport struct {
	ContractID  string     `json:"contract_id"`
	PeriodStart string     `json:"period_start"` // YYYY-MM-DD, inclusive
	PeriodEnd   string     `json:"period_end"`   // YYYY-MM-DD, inclusive
	Sales       domain.Fen `json:"sales_fen"`    // net sales, the royalty base
}

// RoyaltyInvoice is an amount due from the licensee.
type RoyaltyInvoice struct {
	ID          string     `json:"id"`
	ContractID  string     `json:"contract_id"`
	Kind        string     `json:"kind"` // entry_fee, royalty, minimum_topup
	LicenceYear int        `json:"licence_year"`
	Base        domain.Fen `json:"base_fen"` // the chargeable sales the royalty was computed on
	Amount      domain.Fen `json:"amount_fen"`
	DueDate     string     `json:"due_date"`
	IssuedTx    string     `json:"issued_tx"`
	IssuedAt    time.Time  `json:"issued_at"`
	PaidTx      string     `json:"paid_tx,omitempty"`
	PaidAt      *time.Time `json:"paid_at,omitempty"`
}

// Invoice kinds.
const (
	InvoiceEntryFee     = "entry_fee"
	InvoiceRoyalty      = "royalty"
	InvoiceMinimumTopUp = "minimum_topup"
)
