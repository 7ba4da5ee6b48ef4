package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MatchListing is the public part of a matched listing.
type MatchListing struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Status        string     `json:"status"`
	OwnerOrgID    string     `json:"owner_org_id"`
	OwnerName     string     `json:"owner_name"`
	OwnerNameEn   string     `json:"owner_name_en,omitempty"`
	TitleZh       string     `json:"title_zh"`
	TitleEn       string     `json:"title_en"`
	SummaryZh     string     `json:"summary_zh"`
	SummaryEn     string     `json:"summary_en"`
	Field         string     `json:"field"`
	IPCCodes      []string   `json:"ipc_codes"`
	TRL           int        `json:"trl,omitempty"`
	RequiredTRL   *int       `json:"required_trl,omitempty"`
	TransferModes []string   `json:"transfer_modes"`
	PriceType     string     `json:"price_type,omitempty"`
	PriceFen      *int64     `json:"price_fen,omitempty"`
	BudgetMinFen  *int64     `json:"budget_min_fen,omitempty"`
	BudgetMaxFen  *int64     `json:"budget_max_fen,omitempty"`
	RegionCode    string     `json:"region_code"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
}

// Title returns the title in a language ("zh" or "en"), falling back.
func (l MatchListing) Title(lang string) string {
	if lang == "en" && l.TitleEn != "" || l.TitleZh == "" {
		return l.TitleEn
	}
	return l.TitleZh
}

// MatchTerm is a matched term: readable form, the listing's words, source, score.
type MatchTerm struct {
	Term   string   `json:"term"`
	Words  []string `json:"words"`
	Source string   `json:"source"`
	Score  float64  `json:"score"`
}

// MatchFactor is one compatibility factor's share and points.
type MatchFactor struct {
	Name   string  `json:"name"`
	Label  Label   `json:"label"`
	Detail Label   `json:"detail"`
	Share  float64 `json:"share"`
	Points float64 `json:"points"`
}

// MatchJudgment is a stored relevant / not-relevant verdict.
type MatchJudgment struct {
	SeekerType string    `json:"seeker_type"`
	SeekerID   string    `json:"seeker_id"`
	TargetID   string    `json:"target_id"`
	Relevant   bool      `json:"relevant"`
	Reason     string    `json:"reason,omitempty"`
	UserID     string    `json:"user_id"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Match is one ranked counterpart with why it matched.
type Match struct {
	Listing   MatchListing   `json:"listing"`
	Score     float64        `json:"score"`
	TextScore float64        `json:"text_score"`
	Terms     []MatchTerm    `json:"terms"`
	Factors   []MatchFactor  `json:"factors"`
	Judgment  *MatchJudgment `json:"judgment,omitempty"`
}

// MatchSeeker is what matches were asked for.
type MatchSeeker struct {
	Type       string        `json:"type"`
	ID         string        `json:"id"`
	TargetKind string        `json:"target_kind"`
	Name       string        `json:"name,omitempty"`
	Listing    *MatchListing `json:"listing,omitempty"`
	CanJudge   bool          `json:"can_judge"`
}

// Matches are the ranked counterparts of a listing or saved need.
type Matches struct {
	Seeker       MatchSeeker `json:"seeker"`
	Items        []Match     `json:"items"`
	FeedbackUsed int         `json:"feedback_used"`
}

// MatchFeedback marks a match relevant or not, with a reason code.
type MatchFeedback struct {
	TargetID string `json:"target_id"`
	Relevant bool   `json:"relevant"`
	Reason   string `json:"reason,omitempty"`
}

// MatchReason is a not-relevant reason code with its labels.
type MatchReason struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
}

// ReasonCount is how often a reason was given.
type ReasonCount struct {
	Code  string `json:"code"`
	Label Label  `json:"label"`
	Count int    `json:"count"`
}

// FeedbackSummary aggregates the verdicts others gave on a listing.
type FeedbackSummary struct {
	ListingID   string        `json:"listing_id"`
	Total       int           `json:"total"`
	Relevant    int           `json:"relevant"`
	NotRelevant int           `json:"not_relevant"`
	Reasons     []ReasonCount `json:"reasons"`
}

// SavedNeedInput creates or replaces a saved need (listing_id or text).
type SavedNeedInput struct {
	Name         string  `json:"name"`
	ListingID    string  `json:"listing_id,omitempty"`
	Text         string  `json:"text,omitempty"`
	Kind         string  `json:"kind,omitempty"`
	Field        string  `json:"field,omitempty"`
	RegionPrefix string  `json:"region_prefix,omitempty"`
	MinTRL       int     `json:"min_trl,omitempty"`
	MaxPriceFen  int64   `json:"max_price_fen,omitempty"`
	MinScore     float64 `json:"min_score"`
	WebhookURL   string  `json:"webhook_url,omitempty"`
}

// SavedNeed is a stored saved need.
type SavedNeed struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	SavedNeedInput
	WebhookSecret string    `json:"webhook_secret,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// MatchAlert is one alert a saved need raised, with its webhook result.
type MatchAlert struct {
	ID            string     `json:"id"`
	SavedNeedID   string     `json:"saved_need_id"`
	ListingID     string     `json:"listing_id"`
	Score         float64    `json:"score"`
	CreatedAt     time.Time  `json:"created_at"`
	WebhookStatus string     `json:"webhook_status,omitempty"`
	WebhookCode   int        `json:"webhook_code,omitempty"`
	WebhookError  string     `json:"webhook_error,omitempty"`
	WebhookTries  int        `json:"webhook_attempts,omitempty"`
	WebhookAt     *time.Time `json:"webhook_at,omitempty"`
}

func kQuery(k int) url.Values {
	if k <= 0 {
		return nil
	}
	return url.Values{"k": {strconv.Itoa(k)}}
}

// ListingMatches returns the best counterparts of a listing (k ≤ 50; 0: 10).
func (c *Client) ListingMatches(ctx context.Context, listingID string, k int) (*Matches, error) {
	return fetch[Matches](ctx, c, http.MethodGet, "/listings/"+id(listingID)+"/matches", kQuery(k), nil, nil)
}

// JudgeListingMatch marks a match of one of your listings relevant or not.
func (c *Client) JudgeListingMatch(ctx context.Context, listingID string, in MatchFeedback) (*MatchJudgment, error) {
	return fetch[MatchJudgment](ctx, c, http.MethodPost, "/listings/"+id(listingID)+"/matches/feedback", nil, nil, in)
}

// ListingFeedbackSummary returns the aggregated verdicts on one of your listings.
func (c *Client) ListingFeedbackSummary(ctx context.Context, listingID string) (*FeedbackSummary, error) {
	return fetch[FeedbackSummary](ctx, c, http.MethodGet, "/listings/"+id(listingID)+"/feedback-summary", nil, nil, nil)
}

// MatchReasons lists the not-relevant reason codes.
func (c *Client) MatchReasons(ctx context.Context) ([]MatchReason, error) {
	out, err := fetch[items[MatchReason]](ctx, c, http.MethodGet, "/match-reasons", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// SavedNeeds lists your saved needs.
func (c *Client) SavedNeeds(ctx context.Context) ([]SavedNeed, error) {
	out, err := fetch[items[SavedNeed]](ctx, c, http.MethodGet, "/saved-needs", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}

// CreateSavedNeed saves a need; the answer carries the webhook secret.
func (c *Client) CreateSavedNeed(ctx context.Context, in SavedNeedInput) (*SavedNeed, error) {
	return fetch[SavedNeed](ctx, c, http.MethodPost, "/saved-needs", nil, nil, in)
}

// SavedNeed returns one of your saved needs.
func (c *Client) SavedNeed(ctx context.Context, savedNeedID string) (*SavedNeed, error) {
	return fetch[SavedNeed](ctx, c, http.MethodGet, "/saved-needs/"+id(savedNeedID), nil, nil, nil)
}

// UpdateSavedNeed replaces a saved need's settings.
func (c *Client) UpdateSavedNeed(ctx context.Context, savedNeedID string, in SavedNeedInput) (*SavedNeed, error) {
	return fetch[SavedNeed](ctx, c, http.MethodPut, "/saved-needs/"+id(savedNeedID), nil, nil, in)
}

// DeleteSavedNeed deletes a saved need.
func (c *Client) DeleteSavedNeed(ctx context.Context, savedNeedID string) error {
	return c.call(ctx, http.MethodDelete, "/saved-needs/"+id(savedNeedID), nil, nil, nil, nil)
}

// SavedNeedMatches returns the current best matches of a saved need.
func (c *Client) SavedNeedMatches(ctx context.Context, savedNeedID string, k int) (*Matches, error) {
	return fetch[Matches](ctx, c, http.MethodGet, "/saved-needs/"+id(savedNeedID)+"/matches", kQuery(k), nil, nil)
}

// JudgeSavedNeedMatch marks a match of a saved need relevant or not.
func (c *Client) JudgeSavedNeedMatch(ctx context.Context, savedNeedID string, in MatchFeedback) (*MatchJudgment, error) {
	return fetch[MatchJudgment](ctx, c, http.MethodPost, "/saved-needs/"+id(savedNeedID)+"/feedback", nil, nil, in)
}

// SavedNeedAlerts lists the alerts a saved need raised.
func (c *Client) SavedNeedAlerts(ctx context.Context, savedNeedID string) ([]MatchAlert, error) {
	out, err := fetch[items[MatchAlert]](ctx, c, http.MethodGet, "/saved-needs/"+id(savedNeedID)+"/alerts", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return out.Items, nil
}
