package client

import (
	"context"
	"net/http"
	"time"
)

// OrgProfile is an organisation's public profile: business scope (经营范围/简介)
// in Chinese and English, technology fields and IPC codes.
type OrgProfile struct {
	OrgID     string     `json:"org_id"`
	ScopeZh   string     `json:"scope_zh"`
	ScopeEn   string     `json:"scope_en"`
	Fields    []string   `json:"fields"`
	IPCCodes  []string   `json:"ipc_codes"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// OrgProfileInput replaces a whole profile.
type OrgProfileInput struct {
	ScopeZh  string   `json:"scope_zh"`
	ScopeEn  string   `json:"scope_en"`
	Fields   []string `json:"fields"`
	IPCCodes []string `json:"ipc_codes"`
}

// MatchEnterprise is a matched enterprise's directory entry and profile.
type MatchEnterprise struct {
	ID         string   `json:"id"`
	NameZh     string   `json:"name_zh"`
	NameEn     string   `json:"name_en"`
	RegionCode string   `json:"region_code"`
	Website    string   `json:"website"`
	ScopeZh    string   `json:"scope_zh"`
	ScopeEn    string   `json:"scope_en"`
	Fields     []string `json:"fields"`
	IPCCodes   []string `json:"ipc_codes"`
	NeedCount  int      `json:"need_count"`
}

// Name returns the enterprise's name in a language, falling back.
func (e MatchEnterprise) Name(lang string) string {
	if lang == "en" && e.NameEn != "" || e.NameZh == "" {
		return e.NameEn
	}
	return e.NameZh
}

// MatchNeedRef is one of a matched enterprise's needs holding a matched word.
type MatchNeedRef struct {
	ID      string `json:"id"`
	TitleZh string `json:"title_zh"`
	TitleEn string `json:"title_en"`
}

// Title returns the need's title in a language, falling back.
func (n MatchNeedRef) Title(lang string) string {
	if lang == "en" && n.TitleEn != "" || n.TitleZh == "" {
		return n.TitleEn
	}
	return n.TitleZh
}

// EnterpriseMatch is one ranked enterprise with why it matched.
type EnterpriseMatch struct {
	Enterprise MatchEnterprise `json:"enterprise"`
	Score      float64         `json:"score"`
	TextScore  float64         `json:"text_score"`
	Terms      []MatchTerm     `json:"terms"`
	Factors    []MatchFactor   `json:"factors"`
	Needs      []MatchNeedRef  `json:"needs"`
}

// EnterpriseMatches are the enterprises ranked for an achievement.
type EnterpriseMatches struct {
	Seeker MatchSeeker       `json:"seeker"`
	Items  []EnterpriseMatch `json:"items"`
}

// OrgProfile returns an organisation's public profile.
func (c *Client) OrgProfile(ctx context.Context, orgID string) (*OrgProfile, error) {
	return fetch[OrgProfile](ctx, c, http.MethodGet, "/orgs/"+id(orgID)+"/profile", nil, nil, nil)
}

// SetOrgProfile replaces an organisation's profile (its administrators and
// operators only).
func (c *Client) SetOrgProfile(ctx context.Context, orgID string, in OrgProfileInput) (*OrgProfile, error) {
	return fetch[OrgProfile](ctx, c, http.MethodPut, "/orgs/"+id(orgID)+"/profile", nil, nil, in)
}

// ListingEnterpriseMatches returns the enterprises that may want an
// achievement (k ≤ 50; 0: 10).
func (c *Client) ListingEnterpriseMatches(ctx context.Context, listingID string, k int) (*EnterpriseMatches, error) {
	return fetch[EnterpriseMatches](ctx, c, http.MethodGet, "/listings/"+id(listingID)+"/enterprise-matches", kQuery(k), nil, nil)
}
