package client

import (
	"encoding/json"
	"time"
)

// Deal types (docs/deals.md, OpenAPI tag "deals"). Venue rule sets and
// contract terms are kept as raw JSON: their full shape is in the OpenAPI
// document (DealRuleSet, DealTerms) and callers mostly pass them on.

// Deal is one deal room: a listing and a counterparty, under a venue's rule-set version.
type Deal struct {
	ID                string         `json:"id"`
	ListingID         string         `json:"listing_id"`
	ListingKind       string         `json:"listing_kind"`
	ListingTitle      Label          `json:"listing_title"`
	SellerOrgID       string         `json:"seller_org_id"`
	SellerName        string         `json:"seller_name"`
	BuyerOrgID        string         `json:"buyer_org_id"`
	BuyerName         string         `json:"buyer_name"`
	CounterpartyOrgID string         `json:"counterparty_org_id"`
	Venue             string         `json:"venue"`
	RuleVersion       int            `json:"rule_version"`
	Method            string         `json:"method"`
	State             string         `json:"state"`
	SaleID            string         `json:"sale_id,omitempty"`
	ChallengeID       string         `json:"challenge_id,omitempty"`
	StateOwned        bool           `json:"state_owned"`
	NDA               *NDAAcceptance `json:"nda,omitempty"`
	AgreedTerms       *OfferTerms    `json:"agreed_terms,omitempty"`
	AgreedAt          *time.Time     `json:"agreed_at,omitempty"`
	NoticeRequired    bool           `json:"notice_required"`
	NoticeStartsAt    *time.Time     `json:"notice_starts_at,omitempty"`
	NoticeEndsAt      *time.Time     `json:"notice_ends_at,omitempty"`
	NoticeClearedAt   *time.Time     `json:"notice_cleared_at,omitempty"`
	ContractVersion   int            `json:"contract_version"`
	ConcludedAt       *time.Time     `json:"concluded_at,omitempty"`
	BuyerFeeFen       *int64         `json:"buyer_fee_fen,omitempty"`
	SellerFeeFen      *int64         `json:"seller_fee_fen,omitempty"`
	EndReason         string         `json:"end_reason,omitempty"`
	CreatedBy         string         `json:"created_by"`
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`
}

// NDAAcceptance records who accepted which NDA text, when.
type NDAAcceptance struct {
	Version    int       `json:"version"`
	SHA256     string    `json:"sha256"`
	AcceptedBy string    `json:"accepted_by"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// NDA is one version of the non-disclosure agreement text.
type NDA struct {
	Version int    `json:"version"`
	Title   Label  `json:"title"`
	Body    Label  `json:"body"`
	SHA256  string `json:"sha256"`
}

// OfferTerms are the price and main terms an offer proposes.
type OfferTerms struct {
	PriceFen      int64  `json:"price_fen"`
	ContractType  string `json:"contract_type,omitempty"`
	SubType       string `json:"sub_type,omitempty"`
	PaymentMode   string `json:"payment_mode,omitempty"`
	Exclusivity   string `json:"exclusivity,omitempty"`
	Territory     string `json:"territory,omitempty"`
	TermMonths    int    `json:"term_months,omitempty"`
	RoyaltyBP     int64  `json:"royalty_bp,omitempty"`
	EntryFeeFen   int64  `json:"entry_fee_fen,omitempty"`
	FreeUseMonths int    `json:"free_use_months,omitempty"`
	Note          string `json:"note,omitempty"`
}

// Offer is an offer or counter-offer in a deal room.
type Offer struct {
	ID          string     `json:"id"`
	DealID      string     `json:"deal_id"`
	Seq         int        `json:"seq"`
	FromSide    string     `json:"from_side"`
	Terms       OfferTerms `json:"terms"`
	Status      string     `json:"status"`
	ExpiresAt   time.Time  `json:"expires_at"`
	Note        string     `json:"note,omitempty"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	RespondedBy string     `json:"responded_by,omitempty"`
	RespondedAt *time.Time `json:"responded_at,omitempty"`
}

// DealMessage is one message in a deal room.
type DealMessage struct {
	ID          string    `json:"id"`
	DealID      string    `json:"deal_id"`
	AuthorID    string    `json:"author_id"`
	AuthorOrgID string    `json:"author_org_id"`
	Body        string    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
}

// Objection is an objection raised during a public notice.
type Objection struct {
	ID          string     `json:"id"`
	DealID      string     `json:"deal_id"`
	RaisedBy    string     `json:"raised_by"`
	RaisedOrgID string     `json:"raised_org_id,omitempty"`
	Reason      string     `json:"reason"`
	Status      string     `json:"status"`
	Resolution  string     `json:"resolution,omitempty"`
	ResolvedBy  string     `json:"resolved_by,omitempty"`
	ResolvedAt  *time.Time `json:"resolved_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// ContractVersion is one drafted contract version with its signatures.
type ContractVersion struct {
	DealID     string          `json:"deal_id"`
	Version    int             `json:"version"`
	Terms      json.RawMessage `json:"terms"`
	HTMLSHA256 string          `json:"html_sha256"`
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	Signatures []Signature     `json:"signatures"`
}

// Signature is one side's signature of a contract version.
type Signature struct {
	Side           string    `json:"side"`
	UserID         string    `json:"user_id"`
	UserName       string    `json:"user_name"`
	OrgID          string    `json:"org_id"`
	DocumentSHA256 string    `json:"document_sha256"`
	SignedAt       time.Time `json:"signed_at"`
	IP             string    `json:"ip,omitempty"`
}

// DealBroker is a technology manager on a deal through a mandate.
type DealBroker struct {
	MandateID        string    `json:"mandate_id"`
	UserID           string    `json:"user_id"`
	Name             string    `json:"name"`
	Side             string    `json:"side"`
	AttachedAt       time.Time `json:"attached_at"`
	CommissionDueFen *int64    `json:"commission_due_fen,omitempty"`
	CommissionBasis  string    `json:"commission_basis,omitempty"`
}

// FeeQuote is what the venue charges each side on the agreed price.
type FeeQuote struct {
	PriceFen  int64 `json:"price_fen"`
	BuyerFen  int64 `json:"buyer_fen"`
	SellerFen int64 `json:"seller_fen"`
}

// Room is a deal room as the caller sees it.
type Room struct {
	Deal       Deal             `json:"deal"`
	ViewerSide string           `json:"viewer_side"`
	ViaBroker  bool             `json:"via_broker,omitempty"`
	Listing    Listing          `json:"listing"`
	Messages   []DealMessage    `json:"messages"`
	Offers     []Offer          `json:"offers"`
	Objections []Objection      `json:"objections,omitempty"`
	Brokers    []DealBroker     `json:"brokers,omitempty"`
	Contract   *ContractVersion `json:"contract,omitempty"`
	Fees       *FeeQuote        `json:"fees,omitempty"`
}

// Notice is an agreed price under public notice.
type Notice struct {
	DealID       string    `json:"deal_id"`
	ListingID    string    `json:"listing_id"`
	ListingTitle Label     `json:"listing_title"`
	SellerName   string    `json:"seller_name"`
	BuyerName    string    `json:"buyer_name"`
	PriceFen     int64     `json:"price_fen"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	StateOwned   bool      `json:"state_owned"`
}

// Venue is a trading venue and the version of its rules in force.
type Venue struct {
	Code           string    `json:"code"`
	Name           Label     `json:"name"`
	Description    Label     `json:"description"`
	OperatorOrgID  string    `json:"operator_org_id,omitempty"`
	CurrentVersion int       `json:"current_version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// RuleSetVersionInfo describes one stored version of a venue's rules.
type RuleSetVersionInfo struct {
	Version   int       `json:"version"`
	SHA256    string    `json:"sha256"`
	Note      string    `json:"note"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// VenueDetail is a venue with its rules in force (raw JSON) and their history.
type VenueDetail struct {
	Venue    Venue                `json:"venue"`
	Rules    json.RawMessage      `json:"rules"`
	SHA256   string               `json:"sha256"`
	Versions []RuleSetVersionInfo `json:"versions"`
}

// Sale is a fixed-price listing or an auction as stored.
type Sale struct {
	ID              string     `json:"id"`
	ListingID       string     `json:"listing_id"`
	SellerOrgID     string     `json:"seller_org_id"`
	Venue           string     `json:"venue"`
	RuleVersion     int        `json:"rule_version"`
	Method          string     `json:"method"`
	State           string     `json:"state"`
	Outcome         string     `json:"outcome,omitempty"`
	StartPriceFen   int64      `json:"start_price_fen"`
	ReserveFen      *int64     `json:"reserve_fen,omitempty"`
	IncrementFen    int64      `json:"increment_fen"`
	IncrementBP     int64      `json:"increment_bp,omitempty"`
	DepositFen      int64      `json:"deposit_fen"`
	AntiSnipingSec  int        `json:"anti_sniping_sec"`
	ExtensionSec    int        `json:"extension_sec"`
	MaxExtensions   int        `json:"max_extensions"`
	StartsAt        time.Time  `json:"starts_at"`
	EndsAt          time.Time  `json:"ends_at"`
	OriginalEndsAt  time.Time  `json:"original_ends_at"`
	Extensions      int        `json:"extensions"`
	CurrentPriceFen *int64     `json:"current_price_fen,omitempty"`
	LeaderOrgID     string     `json:"leader_org_id,omitempty"`
	BidCount        int        `json:"bid_count"`
	LastSeq         int64      `json:"last_seq"`
	WinnerOrgID     string     `json:"winner_org_id,omitempty"`
	WinningBidFen   *int64     `json:"winning_bid_fen,omitempty"`
	WinningSeq      int64      `json:"winning_seq,omitempty"`
	FollowOnSaleID  string     `json:"follow_on_sale_id,omitempty"`
	ParentSaleID    string     `json:"parent_sale_id,omitempty"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`
	CreatedBy       string     `json:"created_by"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// SaleView is a sale as the caller may see it, with the minimum next bid.
type SaleView struct {
	Sale
	MinNextFen int64 `json:"min_next_fen"`
	ReserveMet *bool `json:"reserve_met,omitempty"`
	Bidders    int   `json:"bidders"`
	Registered bool  `json:"registered"`
	YouLead    bool  `json:"you_lead"`
}

// SaleInput opens a fixed-price listing or an auction.
type SaleInput struct {
	ListingID     string     `json:"listing_id"`
	Venue         string     `json:"venue,omitempty"`
	Method        string     `json:"method"` // listing | auction_english | auction_sealed
	StartPriceFen int64      `json:"start_price_fen"`
	ReserveFen    *int64     `json:"reserve_fen,omitempty"`
	IncrementFen  int64      `json:"increment_fen,omitempty"`
	StartsAt      *time.Time `json:"starts_at,omitempty"`
	EndsAt        *time.Time `json:"ends_at,omitempty"`
}

// BidView is an accepted bid under the bidder's alias.
type BidView struct {
	Seq       int64     `json:"seq"`
	Bidder    string    `json:"bidder"`
	OrgID     string    `json:"org_id,omitempty"`
	AmountFen int64     `json:"amount_fen"`
	PlacedAt  time.Time `json:"placed_at"`
	Mine      bool      `json:"mine"`
}

// Bid is an accepted bid (or, for a retry, the stored one).
type Bid struct {
	SaleID     string    `json:"sale_id"`
	Seq        int64     `json:"seq,omitempty"`
	OrgID      string    `json:"org_id,omitempty"`
	AmountFen  int64     `json:"amount_fen,omitempty"`
	PlacedAt   time.Time `json:"placed_at,omitempty"`
	EndsAt     time.Time `json:"ends_at"`
	Extended   bool      `json:"extended,omitempty"`
	MinNextFen int64     `json:"min_next_fen"`
	Duplicate  bool      `json:"duplicate,omitempty"`
}

// Bidder is an organisation registered in a sale.
type Bidder struct {
	SaleID       string    `json:"sale_id"`
	OrgID        string    `json:"org_id"`
	DealID       string    `json:"deal_id"`
	DepositFen   int64     `json:"deposit_fen"`
	DepositBasis string    `json:"deposit_basis,omitempty"`
	RegisteredAt time.Time `json:"registered_at"`
}

// ReplayReport is the proof of a sale: replayed bids equal the stored state.
type ReplayReport struct {
	SaleID     string `json:"sale_id"`
	Bids       int    `json:"bids"`
	Equal      bool   `json:"equal"`
	Difference string `json:"difference,omitempty"`
}

// Challenge is a need published with a reward for solvers (揭榜挂帅).
type Challenge struct {
	ID          string     `json:"id"`
	ListingID   string     `json:"listing_id"`
	OwnerOrgID  string     `json:"owner_org_id"`
	Venue       string     `json:"venue"`
	RuleVersion int        `json:"rule_version"`
	Title       Label      `json:"title"`
	Criteria    string     `json:"criteria"`
	RewardFen   int64      `json:"reward_fen"`
	MaxWinners  int        `json:"max_winners"`
	Deadline    time.Time  `json:"deadline"`
	State       string     `json:"state"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
}

// ChallengeInput publishes a challenge on a need listing.
type ChallengeInput struct {
	ListingID  string `json:"listing_id"`
	Venue      string `json:"venue,omitempty"`
	TitleZh    string `json:"title_zh"`
	TitleEn    string `json:"title_en,omitempty"`
	Criteria   string `json:"criteria"`
	RewardFen  int64  `json:"reward_fen"`
	MaxWinners int    `json:"max_winners,omitempty"`
	Deadline   string `json:"deadline"` // YYYY-MM-DD, China date
}

// Proposal is a solver's proposal, with feedback once decided.
type Proposal struct {
	ID             string     `json:"id"`
	ChallengeID    string     `json:"challenge_id"`
	SolverOrgID    string     `json:"solver_org_id"`
	DealID         string     `json:"deal_id"`
	Summary        string     `json:"summary"`
	Plan           string     `json:"plan"`
	PriceFen       int64      `json:"price_fen"`
	DurationMonths int        `json:"duration_months"`
	State          string     `json:"state"`
	FeedbackCode   string     `json:"feedback_code,omitempty"`
	FeedbackText   string     `json:"feedback_text,omitempty"`
	SubmittedBy    string     `json:"submitted_by"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
}

// ProposalInput is a solver's proposal.
type ProposalInput struct {
	OrgID          string `json:"org_id,omitempty"`
	Summary        string `json:"summary"`
	Plan           string `json:"plan"`
	PriceFen       int64  `json:"price_fen,omitempty"`
	DurationMonths int    `json:"duration_months"`
}

// ChallengeView is a challenge with the proposals the caller may see.
type ChallengeView struct {
	Challenge
	Proposals []Proposal `json:"proposals"`
}

// Feedback is what an unsuccessful solver is told.
type Feedback struct {
	Code string `json:"code"`
	Text string `json:"text,omitempty"`
}

// Selection names the winners and gives every other proposal feedback.
type Selection struct {
	Winners  []string            `json:"winners"`
	Feedback map[string]Feedback `json:"feedback"`
}

// Commission is what a mandating party pays its broker on conclusion.
type Commission struct {
	Kind     string `json:"kind"` // percent | fixed | unagreed
	BP       int64  `json:"bp,omitempty"`
	FixedFen int64  `json:"fixed_fen,omitempty"`
}

// MandateInput mandates a broker for a side.
type MandateInput struct {
	PartyOrgID       string     `json:"party_org_id"`
	BrokerUserID     string     `json:"broker_user_id"`
	Side             string     `json:"side"`
	ListingID        string     `json:"listing_id,omitempty"`
	CanNegotiate     bool       `json:"can_negotiate"`
	Commission       Commission `json:"commission"`
	ExpensesBorneBy  string     `json:"expenses_borne_by,omitempty"`
	ExpensesIfFailed *bool      `json:"expenses_if_failed,omitempty"`
	StartsOn         string     `json:"starts_on"`
	EndsOn           string     `json:"ends_on"`
}

// Mandate is a stored mandate.
type Mandate struct {
	ID               string     `json:"id"`
	BrokerUserID     string     `json:"broker_user_id"`
	BrokerName       string     `json:"broker_name"`
	PartyOrgID       string     `json:"party_org_id"`
	Side             string     `json:"side"`
	ListingID        string     `json:"listing_id,omitempty"`
	CanNegotiate     bool       `json:"can_negotiate"`
	Commission       Commission `json:"commission"`
	ExpensesBorneBy  string     `json:"expenses_borne_by"`
	ExpensesIfFailed bool       `json:"expenses_if_failed"`
	StartsOn         string     `json:"starts_on"`
	EndsOn           string     `json:"ends_on"`
	State            string     `json:"state"`
	CreatedBy        string     `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
}
