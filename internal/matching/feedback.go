package matching

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Seeker types: whose matches a judgment is about.
const (
	SeekerListing   = "listing"
	SeekerSavedNeed = "saved_need"
)

// Judgment is a stored verdict on one match of one seeker. There is one per
// (seeker, matched listing); judging again replaces it.
type Judgment struct {
	SeekerType string    `json:"seeker_type"`
	SeekerID   string    `json:"seeker_id"`
	TargetID   string    `json:"target_id"`
	Relevant   bool      `json:"relevant"`
	Reason     string    `json:"reason,omitempty"`
	UserID     string    `json:"user_id"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// engine turns a stored judgment into the engine's form.
func (j Judgment) engine() search.Judgment {
	out := search.Judgment{DocID: j.TargetID, Relevant: j.Relevant}
	if r, ok := ReasonByCode(j.Reason); ok && !j.Relevant {
		out.Reason = r.Engine
	}
	return out
}

// FeedbackInput marks one match relevant or not; a not-relevant verdict may
// carry a reason code (Reasons).
type FeedbackInput struct {
	TargetID string `json:"target_id"`
	Relevant bool   `json:"relevant"`
	Reason   string `json:"reason,omitempty"`
}

func (in *FeedbackInput) validate(op string) error {
	in.TargetID, in.Reason = strings.TrimSpace(in.TargetID), strings.TrimSpace(in.Reason)
	var l apperr.FieldList
	if in.TargetID == "" {
		l.Add("target_id", "required", "the matched listing is required", "须指明所评价的匹配条目")
	}
	if in.Reason != "" {
		if in.Relevant {
			l.Add("reason", "invalid", "a reason is only given for a match that is not relevant", "仅在标记为不相关时填写原因")
		} else if _, ok := ReasonByCode(in.Reason); !ok {
			codes := make([]string, len(Reasons))
			for i, r := range Reasons {
				codes[i] = r.Code
			}
			l.Add("reason", "unknown_code", "reason must be one of "+strings.Join(codes, ", "), "原因代码无效")
		}
	}
	return l.Err(op)
}

// JudgeListingMatch records the owner's verdict on a match of their listing.
func (s *Service) JudgeListingMatch(ctx context.Context, actor domain.Actor, listingID string, in FeedbackInput) (Judgment, error) {
	const op = "matching.JudgeListingMatch"
	if actor.IsAnonymous() {
		return Judgment{}, apperr.E(op, apperr.Unauthenticated, "sign in to give feedback")
	}
	l, err := s.listings.Get(ctx, actor, listingID)
	if err != nil {
		return Judgment{}, err
	}
	if !actor.MemberOf(l.OwnerOrgID) || actor.System {
		return Judgment{}, apperr.E(op, apperr.Forbidden, "only the listing's organisation can judge its matches")
	}
	return s.judge(ctx, actor, SeekerListing, l.ID, in)
}

// JudgeSavedNeedMatch records the owner's verdict on a match of a saved need.
func (s *Service) JudgeSavedNeedMatch(ctx context.Context, actor domain.Actor, savedNeedID string, in FeedbackInput) (Judgment, error) {
	n, err := s.SavedNeed(ctx, actor, savedNeedID)
	if err != nil {
		return Judgment{}, err
	}
	return s.judge(ctx, actor, SeekerSavedNeed, n.ID, in)
}

func (s *Service) judge(ctx context.Context, actor domain.Actor, seekerType, seekerID string, in FeedbackInput) (Judgment, error) {
	const op = "matching.judge"
	p, err := s.product(op)
	if err != nil {
		return Judgment{}, err
	}
	if err := in.validate(op); err != nil {
		return Judgment{}, err
	}
	target, err := s.listings.Get(ctx, actor, in.TargetID)
	if apperr.Is(err, apperr.NotFound) {
		return Judgment{}, apperr.Fields(op, apperr.Field("target_id", "not_found", "no such published listing", "所评价的条目不存在"))
	}
	if err != nil {
		return Judgment{}, err
	}
	if target.Status != listing.StatusPublished && target.Status != listing.StatusExpired {
		return Judgment{}, apperr.Fields(op, apperr.Field("target_id", "not_published", "only published listings can be judged", "只能评价已发布的条目"))
	}
	now := time.Now().UTC()
	j := Judgment{SeekerType: seekerType, SeekerID: seekerID, TargetID: target.ID, Relevant: in.Relevant, Reason: in.Reason,
		UserID: actor.UserID, UpdatedAt: now}
	err = p.db.Transact(ctx, func(tx *store.Tx) error {
		// One verdict per (seeker, target): a second one replaces the first.
		_, err := tx.Exec(ctx, `INSERT INTO match_feedback (id, seeker_type, seeker_id, target_id, target_owner_org_id, user_id, relevant, reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (seeker_type, seeker_id, target_id) DO UPDATE SET user_id = excluded.user_id, relevant = excluded.relevant,
				reason = excluded.reason, updated_at = excluded.updated_at`,
			domain.NewID(), seekerType, seekerID, target.ID, target.OwnerOrgID, actor.UserID, in.Relevant, in.Reason, now, now)
		if err != nil {
			return fmt.Errorf("store feedback: %w", err)
		}
		return audit.Record(ctx, tx, actor, "match.feedback", seekerType, seekerID,
			map[string]any{"target_id": target.ID, "relevant": in.Relevant, "reason": in.Reason})
	})
	if err != nil {
		return Judgment{}, fmt.Errorf("%s: %w", op, err)
	}
	return j, nil
}

// judgments are a seeker's stored verdicts.
func (s *Service) judgments(ctx context.Context, seekerType, seekerID string) ([]Judgment, error) {
	p, err := s.product("matching.judgments")
	if err != nil {
		return nil, err
	}
	rows, err := p.db.Query(ctx, `SELECT target_id, relevant, reason, user_id, updated_at FROM match_feedback
		WHERE seeker_type = ? AND seeker_id = ? ORDER BY updated_at, id LIMIT 500`, seekerType, seekerID)
	if err != nil {
		return nil, fmt.Errorf("read feedback: %w", err)
	}
	defer rows.Close()
	var out []Judgment
	for rows.Next() {
		j := Judgment{SeekerType: seekerType, SeekerID: seekerID}
		if err := rows.Scan(&j.TargetID, &j.Relevant, &j.Reason, &j.UserID, store.Time(&j.UpdatedAt)); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// ReasonCount is how often one reason was given.
type ReasonCount struct {
	Code  string       `json:"code"`
	Label domain.Label `json:"label"`
	Count int          `json:"count"`
}

// FeedbackSummary is what the owners of a listing learn from the verdicts
// others gave on it as a match: counts only, never who gave them.
type FeedbackSummary struct {
	ListingID   string        `json:"listing_id"`
	Total       int           `json:"total"`
	Relevant    int           `json:"relevant"`
	NotRelevant int           `json:"not_relevant"`
	Reasons     []ReasonCount `json:"reasons"`
}

// FeedbackSummary aggregates the verdicts on a listing, for its organisation
// and operators.
func (s *Service) FeedbackSummary(ctx context.Context, actor domain.Actor, listingID string) (FeedbackSummary, error) {
	const op = "matching.FeedbackSummary"
	p, err := s.product(op)
	if err != nil {
		return FeedbackSummary{}, err
	}
	if actor.IsAnonymous() {
		return FeedbackSummary{}, apperr.E(op, apperr.Unauthenticated, "sign in to see feedback")
	}
	l, err := s.listings.Get(ctx, actor, listingID)
	if err != nil {
		return FeedbackSummary{}, err
	}
	if !actor.MemberOf(l.OwnerOrgID) && !actor.HasRole(domain.RoleOperator) {
		return FeedbackSummary{}, apperr.E(op, apperr.Forbidden, "only the listing's organisation sees the feedback on it")
	}
	out := FeedbackSummary{ListingID: l.ID, Reasons: []ReasonCount{}}
	rows, err := p.db.Query(ctx, `SELECT relevant, reason, COUNT(*) FROM match_feedback WHERE target_id = ? GROUP BY relevant, reason`, l.ID)
	if err != nil {
		return out, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var rel bool
		var reason string
		var n int
		if err := rows.Scan(&rel, &reason, &n); err != nil {
			return out, err
		}
		out.Total += n
		if rel {
			out.Relevant += n
			continue
		}
		out.NotRelevant += n
		if reason != "" {
			counts[reason] += n
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	for _, r := range Reasons {
		if n := counts[r.Code]; n > 0 {
			out.Reasons = append(out.Reasons, ReasonCount{Code: r.Code, Label: r.Label, Count: n})
		}
	}
	// Most frequent first; ties keep the form's order.
	for i := 1; i < len(out.Reasons); i++ {
		for j := i; j > 0 && out.Reasons[j].Count > out.Reasons[j-1].Count; j-- {
			out.Reasons[j], out.Reasons[j-1] = out.Reasons[j-1], out.Reasons[j]
		}
	}
	return out, nil
}

// product returns the wired product part or Unavailable.
func (s *Service) product(op string) (*product, error) {
	s.mu.Lock()
	p := s.prod
	s.mu.Unlock()
	if p == nil {
		return nil, apperr.E(op, apperr.Unavailable, "matching is not connected to the database")
	}
	return p, nil
}
