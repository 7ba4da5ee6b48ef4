package client

import "time"

// These types mirror the JSON of the API (see /api/v1/openapi.json). Money is
// integer fen (0.01 yuan); times are UTC.

// Label is a bilingual display name.
type Label struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the label in a language ("zh" or "en"), falling back to the other.
func (l Label) In(lang string) string {
	if lang == "en" && l.En != "" || l.Zh == "" {
		return l.En
	}
	return l.Zh
}

// Page is one page of a list. Total counts every item across pages.
type Page[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	// TotalCapped says Total is a lower bound: the server stopped counting.
	TotalCapped bool `json:"total_capped,omitempty"`
}

// PageOptions choose a page; zero values take the server's defaults (1 and 20).
type PageOptions struct {
	Page    int
	PerPage int
}

// OrgRole is one role a user holds in one organisation.
type OrgRole struct {
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name,omitempty"` // filled in by the server
	OrgType string `json:"org_type,omitempty"` // filled in by the server
	Role    string `json:"role"`
}

// User is an account with its roles.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Locale    string    `json:"locale"`
	Disabled  bool      `json:"disabled"`
	Roles     []OrgRole `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

// UserInput creates an account (administrators only).
type UserInput struct {
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Password string    `json:"password"`
	Locale   string    `json:"locale,omitempty"`
	Roles    []OrgRole `json:"roles"`
}

// Org is an organisation.
type Org struct {
	ID         string    `json:"id"`
	NameZh     string    `json:"name_zh"`
	NameEn     string    `json:"name_en"`
	Type       string    `json:"type"`
	USCC       string    `json:"uscc,omitempty"`
	RegionCode string    `json:"region_code"`
	Website    string    `json:"website,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// OrgInput registers an organisation (administrators only).
type OrgInput struct {
	NameZh     string `json:"name_zh"`
	NameEn     string `json:"name_en,omitempty"`
	Type       string `json:"type"`
	USCC       string `json:"uscc,omitempty"`
	RegionCode string `json:"region_code"`
	Website    string `json:"website,omitempty"`
}

// TokenRequest exchanges credentials for an API token.
type TokenRequest struct {
	Email         string `json:"email"`
	Password      string `json:"password"`
	Name          string `json:"name"`                      // where the token is used: "laptop", "ci"
	ExpiresInDays int    `json:"expires_in_days,omitempty"` // 1–365; 0 means the server default (90)
}

// Token is a newly issued API token; Token is the secret, shown only this once.
type Token struct {
	Token      string     `json:"token"`
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	User       User       `json:"user"`
}

// IPItem is one piece of intellectual property behind a listing.
type IPItem struct {
	Type       string `json:"type"`
	Number     string `json:"number,omitempty"`
	Title      string `json:"title,omitempty"`
	Status     string `json:"status"`
	Territory  string `json:"territory,omitempty"`
	ExpiryDate string `json:"expiry_date,omitempty"` // YYYY-MM-DD
}

// Owner is a co-owner with a share in basis points (10000 = 100%).
type Owner struct {
	Name    string `json:"name"`
	OrgID   string `json:"org_id,omitempty"`
	ShareBP int    `json:"share_bp"`
}

// ListingInput is the content of a technology achievement (kind "achievement")
// or a technology need (kind "need").
type ListingInput struct {
	Kind           string   `json:"kind"`
	TitleZh        string   `json:"title_zh"`
	TitleEn        string   `json:"title_en"`
	SummaryZh      string   `json:"summary_zh"`
	SummaryEn      string   `json:"summary_en"`
	DetailZh       string   `json:"detail_zh"` // confidential: shown only to the owner, operators and granted organisations
	DetailEn       string   `json:"detail_en"`
	Field          string   `json:"field"`
	IPCCodes       []string `json:"ipc_codes"`
	TRL            int      `json:"trl"`
	TRLEvidence    string   `json:"trl_evidence"`
	IPItems        []IPItem `json:"ip_items"`
	Owners         []Owner  `json:"owners"`
	TransferModes  []string `json:"transfer_modes"`
	PriceType      string   `json:"price_type"`
	PriceFen       *int64   `json:"price_fen"`
	RegionCode     string   `json:"region_code"`
	StateOwned     bool     `json:"state_owned"`
	BudgetMinFen   *int64   `json:"budget_min_fen"`
	BudgetMaxFen   *int64   `json:"budget_max_fen"`
	RequiredTRL    *int     `json:"required_trl"`
	Deadline       string   `json:"deadline"` // YYYY-MM-DD, needs only
	ValidityMonths int      `json:"validity_months"`
}

// Listing is a listing as the caller may see it. DetailWithheld says that a
// confidential detail exists but this caller may not see it.
type Listing struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	OwnerOrgID  string `json:"owner_org_id"`
	OwnerName   string `json:"owner_name"`
	OwnerNameEn string `json:"owner_name_en,omitempty"`
	CreatedBy   string `json:"created_by"`
	ListingInput
	DetailWithheld bool       `json:"detail_withheld"`
	RejectReason   string     `json:"reject_reason,omitempty"`
	SubmittedAt    *time.Time `json:"submitted_at,omitempty"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	Version        int        `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Title returns the title in a language, falling back to the other.
func (l Listing) Title(lang string) string {
	return Label{Zh: l.TitleZh, En: l.TitleEn}.In(lang)
}

// NewListing is a listing to create: its content, the owning organisation
// (empty: the caller's first organisation with the needed role) and whether to
// submit it for review at once.
type NewListing struct {
	ListingInput
	OrgID  string `json:"org_id,omitempty"`
	Submit bool   `json:"submit,omitempty"`
}

// SearchQuery filters the published market; zero values mean "any".
type SearchQuery struct {
	Q           string
	Kind        string // achievement | need
	Field       string // technology field code, see Codes
	Mode        string // transfer mode code
	Province    string // 2-digit GB/T 2260 prefix, e.g. "11"
	TRLMin      int
	TRLMax      int
	PriceMaxFen int64
	StateOwned  *bool
	PageOptions
}

// MyListingsQuery filters the caller's own listings.
type MyListingsQuery struct {
	Status string
	Kind   string
	PageOptions
}

// Notification is one in-app message.
type Notification struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	SubjectID string     `json:"subject_id"`
	Title     Label      `json:"title"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// NotificationPage is a page of notifications with the unread count.
type NotificationPage struct {
	Items   []Notification `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Unread  int            `json:"unread"`
}

// Code is one entry of a code list.
type Code struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
}

// TRLLevel is one technology readiness level.
type TRLLevel struct {
	Level int   `json:"level"`
	Label Label `json:"label"`
}

// Codes are every code list of the platform.
type Codes struct {
	Fields          []Code     `json:"fields"`
	TransferModes   []Code     `json:"transfer_modes"`
	PriceTypes      []Code     `json:"price_types"`
	IPTypes         []Code     `json:"ip_types"`
	IPStatuses      []Code     `json:"ip_statuses"`
	OrgTypes        []Code     `json:"org_types"`
	Roles           []Code     `json:"roles"`
	ListingKinds    []Code     `json:"listing_kinds"`
	ListingStatuses []Code     `json:"listing_statuses"`
	Provinces       []Code     `json:"provinces"`
	TRL             []TRLLevel `json:"trl"`
}

// MarketStats counts published listings.
type MarketStats struct {
	Achievements int            `json:"achievements"`
	Needs        int            `json:"needs"`
	ByField      map[string]int `json:"by_field"`
}
