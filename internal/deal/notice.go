package deal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// PublicNotices lists the agreed prices currently under public notice. They
// are public: anyone may read them and object.
func (s *Service) PublicNotices(ctx context.Context) ([]Notice, error) {
	deals, err := listDeals(ctx, s.db, "d.state = 'notice'")
	if err != nil {
		return nil, err
	}
	out := make([]Notice, 0, len(deals))
	for _, d := range deals {
		n := Notice{DealID: d.ID, ListingID: d.ListingID, ListingTitle: d.ListingTitle, SellerName: d.SellerName,
			BuyerName: d.BuyerName, StateOwned: d.StateOwned}
		if d.AgreedTerms != nil {
			n.PriceFen = d.AgreedTerms.PriceFen
		}
		if d.NoticeStartsAt != nil && d.NoticeEndsAt != nil {
			n.StartsAt, n.EndsAt = *d.NoticeStartsAt, *d.NoticeEndsAt
		}
		out = append(out, n)
	}
	return out, nil
}

// RaiseObjection records an objection to a price under public notice. Any
// signed-in user may object while the notice runs; the notice cannot end while
// an objection is open.
func (s *Service) RaiseObjection(ctx context.Context, actor domain.Actor, dealID, reason string) (Objection, error) {
	const op = "deal.objection.raise"
	if actor.IsAnonymous() {
		return Objection{}, apperr.E(op, apperr.Unauthenticated, "sign in to object")
	}
	reason = strings.TrimSpace(reason)
	var f apperr.FieldList
	required(&f, "reason", reason, 5000)
	if err := f.Err(op); err != nil {
		return Objection{}, err
	}
	var o Objection
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		d, err := getDeal(ctx, tx, dealID, true)
		if err != nil {
			return err
		}
		now := s.clock()
		if d.State != StateNotice || d.NoticeEndsAt == nil || !now.Before(*d.NoticeEndsAt) {
			return refused(op, apperr.Conflict, rules.Refuse("no_notice_running", "this deal is not under public notice", "该交易不在公示期内"))
		}
		o = Objection{ID: domain.NewID(), DealID: d.ID, RaisedBy: actorRef(actor), Reason: reason, Status: "open", CreatedAt: now}
		if len(actor.Roles) > 0 {
			o.RaisedOrgID = actor.Roles[0].OrgID
		}
		if _, err := tx.Exec(ctx, `INSERT INTO deal_objections (id, deal_id, raised_by, raised_org_id, reason, status, created_at)
			VALUES (?, ?, ?, ?, ?, 'open', ?)`, o.ID, o.DealID, o.RaisedBy, o.RaisedOrgID, o.Reason, o.CreatedAt); err != nil {
			return fmt.Errorf("insert objection: %w", err)
		}
		title := domain.Label{Zh: "公示期收到异议：" + d.ListingTitle.Zh, En: "An objection was raised to the notice: " + d.ListingTitle.En}
		for _, org := range []string{d.SellerOrgID, d.BuyerOrgID} {
			if err := s.notifyOrg(ctx, tx, org, "deal.objection."+o.ID, d.ID, title, dealLink(d.ID)); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor, op, "deal", d.ID, map[string]any{"objection_id": o.ID})
	})
	if err != nil {
		return Objection{}, fmt.Errorf("%s: %w", op, err)
	}
	return o, nil
}

// ResolveObjection decides an open objection (venue operators). An upheld
// objection sends the deal back to negotiation: the agreed price falls and a
// new agreement needs a new notice.
func (s *Service) ResolveObjection(ctx context.Context, actor domain.Actor, dealID, objectionID string, upheld bool, resolution string) (Deal, error) {
	const op = "deal.objection.resolve"
	resolution = strings.TrimSpace(resolution)
	var f apperr.FieldList
	required(&f, "resolution", resolution, 5000)
	if err := f.Err(op); err != nil {
		return Deal{}, err
	}
	return s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if !v.operator {
			return nil, apperr.E(op, apperr.Forbidden, "only the venue's operators resolve objections")
		}
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM deal_objections WHERE id = ? AND deal_id = ?`, objectionID, d.ID).Scan(&status)
		if store.IsNoRows(err) {
			return nil, apperr.E(op, apperr.NotFound, "objection not found")
		}
		if err != nil {
			return nil, fmt.Errorf("read objection: %w", err)
		}
		if status != "open" {
			return nil, refused(op, apperr.Conflict, rules.Refuse("objection_resolved", "the objection was already resolved", "该异议已处理"))
		}
		outcome := "dismissed"
		if upheld {
			outcome = "upheld"
			if err := fire(op, d, EvUpholdObjection); err != nil {
				return nil, err
			}
			d.AgreedTerms, d.AgreedAt = nil, nil
			d.NoticeStartsAt, d.NoticeEndsAt, d.NoticeClearedAt = nil, nil, nil
		}
		if _, err := tx.Exec(ctx, `UPDATE deal_objections SET status = ?, resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?`,
			outcome, resolution, actorRef(actor), now, objectionID); err != nil {
			return nil, fmt.Errorf("resolve objection: %w", err)
		}
		return map[string]any{"objection_id": objectionID, "outcome": outcome}, nil
	})
}

// EndNotice ends a public notice that has run its full period without an open
// objection; the deal may then be contracted. The clock job calls it, and the
// parties may too.
func (s *Service) EndNotice(ctx context.Context, actor domain.Actor, dealID string) (Deal, error) {
	const op = "deal.notice.end"
	return s.changeDeal(ctx, op, actor, dealID, func(tx *store.Tx, d *Deal, v viewer, now time.Time) (map[string]any, error) {
		if d.State == StateNotice && d.NoticeEndsAt != nil && now.Before(*d.NoticeEndsAt) {
			return nil, refused(op, apperr.Conflict, rules.Refuse("notice_running", "the public notice runs until %s (China time)",
				"公示期至北京时间 %s 结束", d.NoticeEndsAt.In(chinaZone).Format("2006-01-02 15:04")))
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deal_objections WHERE deal_id = ? AND status = 'open'`, d.ID).Scan(&open); err != nil {
			return nil, fmt.Errorf("count objections: %w", err)
		}
		if open > 0 {
			return nil, refused(op, apperr.Conflict, rules.Refuse("objection_open",
				"an objection to the notice is open; the venue must resolve it first", "公示期内有未处理的异议，须由交易场所先行处理"))
		}
		if err := fire(op, d, EvEndNotice); err != nil {
			return nil, err
		}
		d.NoticeClearedAt = &now
		title := domain.Label{Zh: "公示期满，可以签订合同：" + d.ListingTitle.Zh, En: "The notice ended; the contract can be drafted: " + d.ListingTitle.En}
		for _, org := range []string{d.SellerOrgID, d.BuyerOrgID} {
			if err := s.notifyOrg(ctx, tx, org, "deal.notice.end", d.ID, title, dealLink(d.ID)); err != nil {
				return nil, err
			}
		}
		return map[string]any{"notice_ends_at": d.NoticeEndsAt}, nil
	})
}

func listObjections(ctx context.Context, q store.Querier, dealID string) ([]Objection, error) {
	rows, err := q.Query(ctx, `SELECT id, deal_id, raised_by, raised_org_id, reason, status, resolution, resolved_by, resolved_at, created_at
		FROM deal_objections WHERE deal_id = ? ORDER BY created_at, id`, dealID)
	if err != nil {
		return nil, fmt.Errorf("list objections: %w", err)
	}
	defer rows.Close()
	var out []Objection
	for rows.Next() {
		var o Objection
		if err := rows.Scan(&o.ID, &o.DealID, &o.RaisedBy, &o.RaisedOrgID, &o.Reason, &o.Status, &o.Resolution, &o.ResolvedBy,
			store.NullTime(&o.ResolvedAt), store.Time(&o.CreatedAt)); err != nil {
			return nil, fmt.Errorf("list objections: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
