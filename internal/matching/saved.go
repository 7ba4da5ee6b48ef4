package matching

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/store"
)

// SavedNeedInput creates or replaces a saved need: either one of the user's
// own listings (ListingID; its text and facts are the query) or a text query
// with filters. MinScore is the alert threshold on the match score shown with
// every match.
type SavedNeedInput struct {
	Name         string  `json:"name"`
	ListingID    string  `json:"listing_id,omitempty"`
	Text         string  `json:"text,omitempty"`
	Kind         string  `json:"kind,omitempty"` // what it looks for; with a listing, the other kind
	Field        string  `json:"field,omitempty"`
	RegionPrefix string  `json:"region_prefix,omitempty"`
	MinTRL       int     `json:"min_trl,omitempty"`
	MaxPriceFen  int64   `json:"max_price_fen,omitempty"`
	MinScore     float64 `json:"min_score"`
	WebhookURL   string  `json:"webhook_url,omitempty"`
}

// SavedNeed is a stored saved need. The webhook secret is shown only to its
// owner (every read of a saved need is the owner's).
type SavedNeed struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	SavedNeedInput
	WebhookSecret string    `json:"webhook_secret,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// DefaultMinScore is the threshold when none is given. On the fixture of
// product_test.go the obvious counterparts score 10–21 and listings sharing
// only a common word (技术, 高, 膜) 0.5–2.5; scores are shown with every match,
// so users can tune it.
const DefaultMinScore = 5.0

const savedColumns = `id, user_id, name, COALESCE(listing_id, ''), query_text, kind, field, region_prefix, min_trl, max_price_fen,
	min_score, webhook_url, webhook_secret, created_at, updated_at`

func scanSaved(sc interface{ Scan(...any) error }) (SavedNeed, error) {
	var n SavedNeed
	err := sc.Scan(&n.ID, &n.UserID, &n.Name, &n.ListingID, &n.Text, &n.Kind, &n.Field, &n.RegionPrefix, &n.MinTRL, &n.MaxPriceFen,
		&n.MinScore, &n.WebhookURL, &n.WebhookSecret, store.Time(&n.CreatedAt), store.Time(&n.UpdatedAt))
	return n, err
}

// normalize checks the input against the actor and fills what a listing
// implies. It returns the seeker listing when there is one.
func (s *Service) normalizeSaved(ctx context.Context, actor domain.Actor, in *SavedNeedInput) error {
	const op = "matching.SavedNeed"
	in.Name, in.ListingID, in.Text = strings.TrimSpace(in.Name), strings.TrimSpace(in.ListingID), strings.TrimSpace(in.Text)
	in.Kind, in.Field, in.RegionPrefix = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Field), strings.TrimSpace(in.RegionPrefix)
	in.WebhookURL = strings.TrimSpace(in.WebhookURL)
	var l apperr.FieldList
	if in.MinScore == 0 {
		in.MinScore = DefaultMinScore
	}
	if in.MinScore < 0 || in.MinScore > 1000 {
		l.Add("min_score", "out_of_range", "the threshold must be between 0 and 1000", "阈值须在0至1000之间")
	}
	if utf8.RuneCountInString(in.Name) > 200 {
		l.Add("name", "too_long", "at most 200 characters", "最多200个字符")
	}
	if utf8.RuneCountInString(in.Text) > 2000 {
		l.Add("text", "too_long", "at most 2,000 characters", "最多2000个字符")
	}
	switch {
	case in.ListingID != "" && in.Text != "":
		l.Add("text", "invalid", "give either one of your listings or a text, not both", "请在自己的发布与检索文本中二选一")
	case in.ListingID != "":
		seeker, err := s.listings.Get(ctx, actor, in.ListingID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if err != nil || !actor.MemberOf(seeker.OwnerOrgID) {
			l.Add("listing_id", "not_found", "not one of your organisation's listings", "不是本机构的发布")
			break
		}
		in.Kind = otherKind(seeker.Kind)
		if in.Name == "" {
			in.Name = seeker.Title("zh")
		}
	case in.Text == "":
		l.Add("text", "required", "give one of your listings or a text to look for", "请选择自己的发布或填写检索文本")
	default:
		if in.Kind == "" {
			in.Kind = listing.KindAchievement
		}
		if !domain.ListingKinds.Has(in.Kind) {
			l.Add("kind", "unknown_code", "kind must be achievement or need", "类型须为科技成果或技术需求")
		}
		if in.Name == "" {
			in.Name = in.Text
			if utf8.RuneCountInString(in.Name) > 60 {
				in.Name = string([]rune(in.Name)[:60]) + "…"
			}
		}
	}
	if in.Field != "" && !domain.TechFields.Has(in.Field) {
		l.Add("field", "unknown_code", "unknown technology field", "技术领域无效")
	}
	if in.RegionPrefix != "" && (len(in.RegionPrefix) > 6 || strings.Trim(in.RegionPrefix, "0123456789") != "") {
		l.Add("region_prefix", "invalid", "a region prefix is 2–6 digits of a GB/T 2260 code", "地域前缀须为行政区划代码的2至6位数字")
	}
	if in.MinTRL < 0 || in.MinTRL > 9 {
		l.Add("min_trl", "out_of_range", "TRL must be 1–9 (0 for any)", "技术成熟度须为1至9（0表示不限）")
	}
	if in.MaxPriceFen < 0 {
		l.Add("max_price_fen", "out_of_range", "the price limit must not be negative", "价格上限不能为负")
	}
	if in.WebhookURL != "" {
		u, err := url.Parse(in.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.WebhookURL) > 500 {
			l.Add("webhook_url", "invalid", "the webhook must be an http(s) URL", "回调地址须为 http(s) 网址")
		}
	}
	return l.Err(op)
}

func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CreateSavedNeed saves a need for the signed-in user.
func (s *Service) CreateSavedNeed(ctx context.Context, actor domain.Actor, in SavedNeedInput) (SavedNeed, error) {
	const op = "matching.CreateSavedNeed"
	p, err := s.product(op)
	if err != nil {
		return SavedNeed{}, err
	}
	if actor.IsAnonymous() || actor.System {
		return SavedNeed{}, apperr.E(op, apperr.Unauthenticated, "sign in to save a need")
	}
	if err := s.normalizeSaved(ctx, actor, &in); err != nil {
		return SavedNeed{}, err
	}
	now := time.Now().UTC()
	n := SavedNeed{ID: domain.NewID(), UserID: actor.UserID, SavedNeedInput: in, CreatedAt: now, UpdatedAt: now}
	if in.WebhookURL != "" {
		n.WebhookSecret = newSecret()
	}
	err = p.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO saved_needs (id, user_id, name, listing_id, query_text, kind, field, region_prefix, min_trl,
			max_price_fen, min_score, webhook_url, webhook_secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.ID, n.UserID, n.Name, store.NullString(n.ListingID), n.Text, n.Kind, n.Field, n.RegionPrefix, n.MinTRL, n.MaxPriceFen,
			n.MinScore, n.WebhookURL, n.WebhookSecret, now, now); err != nil {
			return fmt.Errorf("insert saved need: %w", err)
		}
		return audit.Record(ctx, tx, actor, "match.saved_need.create", "saved_need", n.ID, auditOf(n))
	})
	if err != nil {
		return SavedNeed{}, fmt.Errorf("%s: %w", op, err)
	}
	return n, nil
}

// auditOf is what the trail keeps of a saved need: never the secret.
func auditOf(n SavedNeed) map[string]any {
	return map[string]any{"name": n.Name, "listing_id": n.ListingID, "text": n.Text, "kind": n.Kind, "min_score": n.MinScore,
		"webhook": n.WebhookURL != ""}
}

// SavedNeeds lists the user's saved needs, newest first.
func (s *Service) SavedNeeds(ctx context.Context, actor domain.Actor) ([]SavedNeed, error) {
	const op = "matching.SavedNeeds"
	p, err := s.product(op)
	if err != nil {
		return nil, err
	}
	if actor.IsAnonymous() {
		return nil, apperr.E(op, apperr.Unauthenticated, "sign in to see your saved needs")
	}
	rows, err := p.db.Query(ctx, `SELECT `+savedColumns+` FROM saved_needs WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 200`, actor.UserID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := []SavedNeed{}
	for rows.Next() {
		n, err := scanSaved(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SavedNeed returns one of the user's saved needs; anyone else's is not found.
func (s *Service) SavedNeed(ctx context.Context, actor domain.Actor, id string) (SavedNeed, error) {
	const op = "matching.SavedNeed"
	p, err := s.product(op)
	if err != nil {
		return SavedNeed{}, err
	}
	if actor.IsAnonymous() {
		return SavedNeed{}, apperr.E(op, apperr.Unauthenticated, "sign in to see your saved needs")
	}
	n, err := getSaved(ctx, p.db, id)
	if err == nil && n.UserID != actor.UserID {
		err = sql.ErrNoRows // someone else's: as if it did not exist
	}
	if store.IsNoRows(err) {
		return SavedNeed{}, apperr.E(op, apperr.NotFound, "saved need not found")
	}
	return n, err
}

func getSaved(ctx context.Context, q store.Querier, id string) (SavedNeed, error) {
	return scanSaved(q.QueryRow(ctx, `SELECT `+savedColumns+` FROM saved_needs WHERE id = ?`, id))
}

// UpdateSavedNeed replaces a saved need's settings. A webhook keeps its
// secret while its URL is set; a new URL after none gets a new secret.
func (s *Service) UpdateSavedNeed(ctx context.Context, actor domain.Actor, id string, in SavedNeedInput) (SavedNeed, error) {
	const op = "matching.UpdateSavedNeed"
	cur, err := s.SavedNeed(ctx, actor, id)
	if err != nil {
		return SavedNeed{}, err
	}
	if err := s.normalizeSaved(ctx, actor, &in); err != nil {
		return SavedNeed{}, err
	}
	p, _ := s.product(op)
	n := cur
	n.SavedNeedInput, n.UpdatedAt = in, time.Now().UTC()
	switch {
	case in.WebhookURL == "":
		n.WebhookSecret = ""
	case n.WebhookSecret == "":
		n.WebhookSecret = newSecret()
	}
	err = p.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE saved_needs SET name = ?, listing_id = ?, query_text = ?, kind = ?, field = ?, region_prefix = ?,
			min_trl = ?, max_price_fen = ?, min_score = ?, webhook_url = ?, webhook_secret = ?, updated_at = ? WHERE id = ?`,
			n.Name, store.NullString(n.ListingID), n.Text, n.Kind, n.Field, n.RegionPrefix, n.MinTRL, n.MaxPriceFen, n.MinScore,
			n.WebhookURL, n.WebhookSecret, n.UpdatedAt, n.ID); err != nil {
			return fmt.Errorf("update saved need: %w", err)
		}
		return audit.Record(ctx, tx, actor, "match.saved_need.update", "saved_need", n.ID, auditOf(n))
	})
	if err != nil {
		return SavedNeed{}, fmt.Errorf("%s: %w", op, err)
	}
	return n, nil
}

// DeleteSavedNeed removes a saved need with its judgments and alert records.
func (s *Service) DeleteSavedNeed(ctx context.Context, actor domain.Actor, id string) error {
	const op = "matching.DeleteSavedNeed"
	n, err := s.SavedNeed(ctx, actor, id)
	if err != nil {
		return err
	}
	p, _ := s.product(op)
	err = p.db.Transact(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`DELETE FROM match_alerts WHERE saved_need_id = ?`,
			`DELETE FROM match_feedback WHERE seeker_type = 'saved_need' AND seeker_id = ?`,
			`DELETE FROM saved_needs WHERE id = ?`,
		} {
			if _, err := tx.Exec(ctx, q, n.ID); err != nil {
				return fmt.Errorf("delete saved need: %w", err)
			}
		}
		return audit.Record(ctx, tx, actor, "match.saved_need.delete", "saved_need", n.ID, auditOf(n))
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// ForSavedNeed returns the current best matches of a saved need, shaped by
// its owner's feedback.
func (s *Service) ForSavedNeed(ctx context.Context, actor domain.Actor, id string, k int) (Matches, error) {
	const op = "matching.ForSavedNeed"
	k, err := checkK(op, k)
	if err != nil {
		return Matches{}, err
	}
	n, err := s.SavedNeed(ctx, actor, id)
	if err != nil {
		return Matches{}, err
	}
	q, seeker, err := s.savedQuery(ctx, n)
	if err != nil {
		return Matches{}, err
	}
	seeker.CanJudge = true
	judged, err := s.judgments(ctx, SeekerSavedNeed, n.ID)
	if err != nil {
		return Matches{}, err
	}
	return s.run(ctx, actor, seeker, q, k, judged)
}

// savedQuery is the engine query of a saved need: its listing's query, or its
// text with the filters.
func (s *Service) savedQuery(ctx context.Context, n SavedNeed) (search.Query, Seeker, error) {
	seeker := Seeker{Type: SeekerSavedNeed, ID: n.ID, TargetKind: n.Kind, Name: n.Name}
	var q search.Query
	if n.ListingID != "" {
		l, err := s.listings.Get(ctx, system, n.ListingID)
		if err != nil {
			return q, seeker, err
		}
		if q, err = s.listingQuery(ctx, l); err != nil {
			return q, seeker, err
		}
		sum := summaryOf(l)
		seeker.Listing = &sum
	} else {
		q = search.Query{Text: n.Text, Explain: true, Filter: search.Filter{Kind: n.Kind}}
	}
	if n.Field != "" {
		q.Filter.Fields = []string{n.Field}
	}
	q.Filter.RegionPrefix, q.Filter.MinTRL, q.Filter.MaxPriceFen = n.RegionPrefix, n.MinTRL, n.MaxPriceFen
	return q, seeker, nil
}
