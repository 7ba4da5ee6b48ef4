package deal

import (
	"time"

	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
)

// Sides of a deal.
const (
	SideSeller = "seller"
	SideBuyer  = "buyer"
)

// Deal is one deal room: one listing and one counterparty, with the rule-set
// version it runs under.
type Deal struct {
	ID                string       `json:"id"`
	ListingID         string       `json:"listing_id"`
	ListingKind       string       `json:"listing_kind"`
	ListingTitle      domain.Label `json:"listing_title"`
	SellerOrgID       string       `json:"seller_org_id"`
	SellerName        string       `json:"seller_name"`
	BuyerOrgID        string       `json:"buyer_org_id"`
	BuyerName         string       `json:"buyer_name"`
	CounterpartyOrgID string       `json:"counterparty_org_id"`
	Venue             string       `json:"venue"`
	RuleVersion       int          `json:"rule_version"`
	Method            rules.Method `json:"method"`
	State             State        `json:"state"`
	SaleID            string       `json:"sale_id,omitempty"`
	ChallengeID       string       `json:"challenge_id,omitempty"`
	StateOwned        bool         `json:"state_owned"`

	NDA *NDAAcceptance `json:"nda,omitempty"`

	AgreedTerms *OfferTerms `json:"agreed_terms,omitempty"`
	AgreedAt    *time.Time  `json:"agreed_at,omitempty"`

	// NoticeRequired is set when the agreed price must be publicly noticed
	// before a contract may be drafted.
	NoticeRequired  bool       `json:"notice_required"`
	NoticeStartsAt  *time.Time `json:"notice_starts_at,omitempty"`
	NoticeEndsAt    *time.Time `json:"notice_ends_at,omitempty"`
	NoticeClearedAt *time.Time `json:"notice_cleared_at,omitempty"`

	ContractVersion int         `json:"contract_version"`
	ConcludedAt     *time.Time  `json:"concluded_at,omitempty"`
	BuyerFeeFen     *domain.Fen `json:"buyer_fee_fen,omitempty"`
	SellerFeeFen    *domain.Fen `json:"seller_fee_fen,omitempty"`
	EndReason       string      `json:"end_reason,omitempty"`

	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// OrgOf returns the organisation on a side.
func (d Deal) OrgOf(side string) string {
	if side == SideSeller {
		return d.SellerOrgID
	}
	return d.BuyerOrgID
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
	Version int          `json:"version"`
	Title   domain.Label `json:"title"`
	Body    domain.Label `json:"body"`
	SHA256  string       `json:"sha256"`
}

// Message is one message in a deal room.
type Message struct {
	ID          string    `json:"id"`
	DealID      string    `json:"deal_id"`
	AuthorID    string    `json:"author_id"`
	AuthorOrgID string    `json:"author_org_id"`
	Body        string    `json:"body"`
	CreatedAt   time.Time `json:"created_at"`
}

// Offer statuses.
const (
	OfferOpen      = "open"
	OfferCountered = "countered"
	OfferAccepted  = "accepted"
	OfferRejected  = "rejected"
	OfferExpired   = "expired"
	OfferWithdrawn = "withdrawn"
)

// Offer is an offer or counter-offer.
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

// Objection is an objection raised during a public notice.
type Objection struct {
	ID          string     `json:"id"`
	DealID      string     `json:"deal_id"`
	RaisedBy    string     `json:"raised_by"`
	RaisedOrgID string     `json:"raised_org_id,omitempty"`
	Reason      string     `json:"reason"`
	Status      string     `json:"status"` // open | upheld | dismissed
	Resolution  string     `json:"resolution,omitempty"`
	ResolvedBy  string     `json:"resolved_by,omitempty"`
	ResolvedAt  *time.Time `json:"resolved_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// ContractVersion is one drafted version of a deal's contract.
type ContractVersion struct {
	DealID     string      `json:"deal_id"`
	Version    int         `json:"version"`
	Terms      Terms       `json:"terms"`
	HTMLSHA256 string      `json:"html_sha256"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	Signatures []Signature `json:"signatures"`
}

// Signature records one party's signature of one contract version.
type Signature struct {
	Side           string    `json:"side"`
	UserID         string    `json:"user_id"`
	UserName       string    `json:"user_name"`
	OrgID          string    `json:"org_id"`
	DocumentSHA256 string    `json:"document_sha256"`
	SignedAt       time.Time `json:"signed_at"`
	IP             string    `json:"ip,omitempty"`
}

// Broker is a technology manager on a deal through a mandate.
type Broker struct {
	MandateID        string      `json:"mandate_id"`
	UserID           string      `json:"user_id"`
	Name             string      `json:"name"`
	Side             string      `json:"side"`
	AttachedAt       time.Time   `json:"attached_at"`
	CommissionDueFen *domain.Fen `json:"commission_due_fen,omitempty"`
	CommissionBasis  string      `json:"commission_basis,omitempty"`
}

// Room is a deal room as one viewer sees it.
type Room struct {
	Deal Deal `json:"deal"`
	// ViewerSide is the side the viewer acts for ("seller", "buyer") or
	// "operator"; ViaBroker is set when the viewer is a mandated broker.
	ViewerSide string           `json:"viewer_side"`
	ViaBroker  bool             `json:"via_broker,omitempty"`
	Listing    listing.Listing  `json:"listing"`
	Messages   []Message        `json:"messages"`
	Offers     []Offer          `json:"offers"`
	Objections []Objection      `json:"objections,omitempty"`
	Brokers    []Broker         `json:"brokers,omitempty"`
	Contract   *ContractVersion `json:"contract,omitempty"`
	// Fees are the venue's fees on the agreed price under the deal's rule set.
	Fees *FeeQuote `json:"fees,omitempty"`
}

// FeeQuote is what the venue charges each side on a price.
type FeeQuote struct {
	PriceFen  domain.Fen `json:"price_fen"`
	BuyerFen  domain.Fen `json:"buyer_fen"`
	SellerFen domain.Fen `json:"seller_fen"`
}

// Notice is a public notice of an agreed price (协议定价公示), shown to everyone.
type Notice struct {
	DealID       string       `json:"deal_id"`
	ListingID    string       `json:"listing_id"`
	ListingTitle domain.Label `json:"listing_title"`
	SellerName   string       `json:"seller_name"`
	BuyerName    string       `json:"buyer_name"`
	PriceFen     domain.Fen   `json:"price_fen"`
	StartsAt     time.Time    `json:"starts_at"`
	EndsAt       time.Time    `json:"ends_at"`
	StateOwned   bool         `json:"state_owned"`
}
