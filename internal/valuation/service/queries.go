package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
	"github.com/techmarket-org/techmarket/internal/valuation"
)

// Get returns a valuation to those who may see the listing's confidential
// detail (the owning organisation, operators, organisations granted access)
// and to its author; everyone else gets NotFound, as for a hidden listing.
func (s *Service) Get(ctx context.Context, actor domain.Actor, id string) (Valuation, error) {
	const op = "valuation.Get"
	v, err := scanValuation(s.db.QueryRow(ctx, selectValuation+` WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return Valuation{}, apperr.E(op, apperr.NotFound, "valuation not found")
	}
	if err != nil {
		return Valuation{}, fmt.Errorf("%s: %w", op, err)
	}
	ok, err := s.maySee(ctx, s.db, actor, v.ListingID, v.CreatedBy)
	if err != nil {
		return Valuation{}, fmt.Errorf("%s: %w", op, err)
	}
	if !ok {
		return Valuation{}, apperr.E(op, apperr.NotFound, "valuation not found")
	}
	return v, nil
}

// maySee applies the confidential-detail rule of listing.Get to a valuation.
// createdBy is "" when asking about a listing's valuations in general.
func (s *Service) maySee(ctx context.Context, q store.Querier, actor domain.Actor, listingID, createdBy string) (bool, error) {
	if actor.IsAnonymous() {
		return false, nil
	}
	if actor.System || actor.HasRole(domain.RoleOperator) || (createdBy != "" && createdBy == actor.UserID) {
		return true, nil
	}
	var owner string
	if err := q.QueryRow(ctx, `SELECT owner_org_id FROM listings WHERE id = ?`, listingID).Scan(&owner); err != nil {
		return false, fmt.Errorf("listing owner: %w", err)
	}
	if actor.MemberOf(owner) {
		return true, nil
	}
	orgs := actor.OrgIDs()
	if len(orgs) == 0 {
		return false, nil
	}
	args := []any{listingID}
	for _, o := range orgs {
		args = append(args, o)
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM listing_access WHERE listing_id = ? AND org_id IN (?`+
		strings.Repeat(", ?", len(orgs)-1)+`)`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("access grant: %w", err)
	}
	return n > 0, nil
}

// ListForListing returns the listing's valuations the actor may see, newest
// first. The listing itself must be visible to the actor (else NotFound).
func (s *Service) ListForListing(ctx context.Context, actor domain.Actor, listingID string) ([]Valuation, error) {
	const op = "valuation.ListForListing"
	if _, err := s.listings.Get(ctx, actor, listingID); err != nil {
		return nil, err
	}
	all, err := s.query(ctx, selectValuation+` WHERE listing_id = ? ORDER BY created_at DESC, id DESC`, listingID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	seeAll, err := s.maySee(ctx, s.db, actor, listingID, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	out := []Valuation{}
	for _, v := range all {
		if seeAll || (v.CreatedBy != "" && v.CreatedBy == actor.UserID) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (s *Service) query(ctx context.Context, sql string, args ...any) ([]Valuation, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Valuation
	for rows.Next() {
		v, err := scanValuation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Validate names each field at fault.
func (r Realised) Validate(today time.Time) error {
	var f apperr.FieldList
	if r.PriceFen <= 0 {
		f.Add("price_fen", "out_of_range", "the realised price must be a positive amount in fen", "成交价须为正的金额（分）")
	}
	if d, err := time.Parse(time.DateOnly, r.Date); err != nil {
		f.Add("date", "invalid", "the closing date must be YYYY-MM-DD", "成交日期格式须为 YYYY-MM-DD")
	} else if d.After(today) {
		f.Add("date", "in_future", "the closing date cannot be in the future", "成交日期不能晚于今天")
	}
	switch n := utf8.RuneCountInString(r.Source); {
	case strings.TrimSpace(r.Source) == "":
		f.Add("source", "required", "say where the price comes from (deal, contract number …)", "请说明成交价来源（交易、合同编号等）")
	case n > maxSourceChars:
		f.Add("source", "too_long", fmt.Sprintf("at most %d characters", maxSourceChars), fmt.Sprintf("最多 %d 个字符", maxSourceChars))
	}
	return f.Err("valuation.Realised")
}

// RecordRealised sets the realised price of one valuation: an operator's or the
// owning organisation's action (for deals closed off the platform). A second
// call corrects the first; the audit log keeps both.
func (s *Service) RecordRealised(ctx context.Context, actor domain.Actor, id string, r Realised) (Valuation, error) {
	const op = "valuation.RecordRealised"
	v, err := s.Get(ctx, actor, id)
	if err != nil {
		return Valuation{}, err
	}
	r.Source = strings.TrimSpace(r.Source)
	if err := r.Validate(s.now()); err != nil {
		return Valuation{}, err
	}
	var owner string
	if err := s.db.QueryRow(ctx, `SELECT owner_org_id FROM listings WHERE id = ?`, v.ListingID).Scan(&owner); err != nil {
		return Valuation{}, fmt.Errorf("%s: listing owner: %w", op, err)
	}
	if !actor.HasRole(domain.RoleOperator) && !actor.MemberOf(owner) {
		return Valuation{}, apperr.E(op, apperr.Forbidden, "only operators and the owning organisation may record a realised price")
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE valuations SET realised_price_fen = ?, realised_at = ?, realised_source = ? WHERE id = ?`,
			int64(r.PriceFen), r.Date, r.Source, v.ID); err != nil {
			return fmt.Errorf("update valuation: %w", err)
		}
		return audit.Record(ctx, tx, actor, "valuation.realised", "valuation", v.ID, map[string]any{
			"price_fen": r.PriceFen, "date": r.Date, "source": r.Source, "previous": v.Realised})
	})
	if err != nil {
		return Valuation{}, fmt.Errorf("%s: %w", op, err)
	}
	v.Realised = &r
	return v, nil
}

// RecordDealClosed is what the deals module calls, inside its own transaction,
// when a deal on the listing closes: every valuation of the listing made on or
// before the closing date and without a realised price gets it. It returns how
// many valuations were updated (zero when the listing was never valued).
func (s *Service) RecordDealClosed(ctx context.Context, q store.Querier, actor domain.Actor, listingID, dealID string, price domain.Fen, closedOn string) (int, error) {
	const op = "valuation.RecordDealClosed"
	r := Realised{PriceFen: price, Date: closedOn, Source: "deal:" + dealID}
	if err := r.Validate(s.now()); err != nil {
		return 0, err
	}
	closedEnd, _ := time.Parse(time.DateOnly, closedOn)
	closedEnd = closedEnd.AddDate(0, 0, 1)
	rows, err := q.Query(ctx, `SELECT id FROM valuations WHERE listing_id = ? AND realised_price_fen IS NULL AND created_at < ?`,
		listingID, closedEnd)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("%s: %w", op, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	for _, id := range ids {
		if _, err := q.Exec(ctx, `UPDATE valuations SET realised_price_fen = ?, realised_at = ?, realised_source = ? WHERE id = ?`,
			int64(price), closedOn, r.Source, id); err != nil {
			return 0, fmt.Errorf("%s: %w", op, err)
		}
		if err := audit.Record(ctx, q, actor, "valuation.realised", "valuation", id, map[string]any{
			"price_fen": price, "date": closedOn, "source": r.Source}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Accuracy compares valuations with realised prices. Each listing counts once,
// with its latest valuation that has a realised price: re-runs of the same
// listing are not independent evidence. Any signed-in user sees the summary;
// the per-valuation items, which reveal deal prices, only operators.
func (s *Service) Accuracy(ctx context.Context, actor domain.Actor) (Accuracy, error) {
	const op = "valuation.Accuracy"
	if actor.IsAnonymous() {
		return Accuracy{}, apperr.E(op, apperr.Unauthenticated, "sign in to see valuation accuracy")
	}
	rows, err := s.db.Query(ctx, `SELECT id, listing_id, method, p10_fen, p50_fen, p90_fen, realised_price_fen
		FROM valuations WHERE realised_price_fen IS NOT NULL ORDER BY listing_id, created_at DESC, id DESC`)
	if err != nil {
		return Accuracy{}, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	var outcomes []valuation.Outcome
	excluded := 0
	last := ""
	for rows.Next() {
		var o valuation.Outcome
		if err := rows.Scan(&o.ValuationID, &o.ListingID, &o.Method, &o.P10, &o.P50, &o.P90, &o.RealisedFen); err != nil {
			return Accuracy{}, fmt.Errorf("%s: %w", op, err)
		}
		if o.ListingID == last {
			continue
		}
		last = o.ListingID
		if o.P50 <= 0 {
			excluded++
			continue
		}
		outcomes = append(outcomes, o)
	}
	if err := rows.Err(); err != nil {
		return Accuracy{}, fmt.Errorf("%s: %w", op, err)
	}
	dist, err := valuation.ErrorsOf(outcomes)
	if err != nil {
		return Accuracy{}, fmt.Errorf("%s: %w", op, err)
	}
	acc := Accuracy{ErrorDistribution: dist, Excluded: excluded}
	if !actor.HasRole(domain.RoleOperator) {
		acc.Items, acc.ItemsWithheld = nil, len(dist.Items) > 0
	}
	return acc, nil
}
