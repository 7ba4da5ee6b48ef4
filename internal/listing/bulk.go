package listing

import (
	"context"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/audit"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// BulkInsertPublished stores listings that are already published (reviewed
// elsewhere: an import from another venue, or generated benchmark data) in one
// transaction, with the same rows, children and search tokens as Create. Each listing's input is normalised and validated; the
// first invalid one fails the whole batch and nothing is stored. Missing ids,
// versions and times are filled in, in place: published now, expiring after the
// validity period. OwnerOrgID and CreatedBy (a user id) are required. One audit entry
// records the batch.
//
// It bypasses review and notifications on purpose; callers are admin commands.
// Callers batch (a few hundred to a few thousand per call) to bound transaction size.
func BulkInsertPublished(ctx context.Context, db *store.DB, ls []Listing) error {
	const op = "listing.BulkInsertPublished"
	if len(ls) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for i := range ls {
		l := &ls[i]
		l.Input.normalize()
		if err := l.Input.Validate(); err != nil {
			return fmt.Errorf("%s: listing %d: %w", op, i, err)
		}
		if l.OwnerOrgID == "" || l.CreatedBy == "" {
			return apperr.E(op, apperr.Invalid, fmt.Sprintf("listing %d: owner organisation and creator are required", i))
		}
		fillPublished(l, now)
	}
	err := db.Transact(ctx, func(tx *store.Tx) error {
		for i := range ls {
			if err := insertNewListing(ctx, tx, &ls[i]); err != nil {
				return fmt.Errorf("listing %d: %w", i, err)
			}
		}
		return audit.Record(ctx, tx, domain.SystemActor("bulk"), "listing.bulk_insert", "listing", ls[0].ID,
			map[string]any{"count": len(ls), "first_id": ls[0].ID, "last_id": ls[len(ls)-1].ID})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// fillPublished completes a listing's lifecycle fields as if it had been
// submitted, approved and published at its PublishedAt (default now).
func fillPublished(l *Listing, now time.Time) {
	if l.ID == "" {
		l.ID = domain.NewID()
	}
	l.Status = StatusPublished
	if l.Version == 0 {
		l.Version = 1
	}
	if l.PublishedAt == nil {
		t := now
		l.PublishedAt = &t
	}
	if l.SubmittedAt == nil {
		l.SubmittedAt = l.PublishedAt
	}
	if l.ExpiresAt == nil {
		t := l.PublishedAt.AddDate(0, l.ValidityMonths, 0)
		l.ExpiresAt = &t
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = *l.SubmittedAt
	}
	if l.UpdatedAt.IsZero() {
		l.UpdatedAt = *l.PublishedAt
	}
}

// insertNewListing writes a listing that cannot have children yet. It is
// insertListing without replaceChildren's deletes: on SQLite the delete from
// listing_fts scans the whole FTS table (listing_id is an UNINDEXED column), which
// makes inserting n listings O(n²). The statements must stay in step with
// insertListing and replaceChildren; TestGenerate in internal/demo reads bulk
// listings back through Get to catch drift.
func insertNewListing(ctx context.Context, q store.Querier, l *Listing) error {
	_, err := q.Exec(ctx, `INSERT INTO listings (id, kind, status, owner_org_id, created_by, title_zh, title_en,
		summary_zh, summary_en, detail_zh, detail_en, field, trl, trl_evidence, price_type, price_fen, region_code,
		state_owned, budget_min_fen, budget_max_fen, required_trl, need_deadline, validity_months, submitted_at,
		published_at, expires_at, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.Kind, l.Status, l.OwnerOrgID, l.CreatedBy, l.TitleZh, l.TitleEn, l.SummaryZh, l.SummaryEn,
		l.DetailZh, l.DetailEn, l.Field, l.TRL, l.TRLEvidence, l.PriceType, l.PriceFen, l.RegionCode, l.StateOwned,
		l.BudgetMinFen, l.BudgetMaxFen, l.RequiredTRL, store.NullString(l.Deadline), l.ValidityMonths,
		l.SubmittedAt, l.PublishedAt, l.ExpiresAt, l.Version, l.CreatedAt, l.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert listing: %w", err)
	}
	for _, m := range l.TransferModes {
		if _, err := q.Exec(ctx, `INSERT INTO listing_modes (listing_id, mode) VALUES (?, ?) ON CONFLICT DO NOTHING`, l.ID, m); err != nil {
			return fmt.Errorf("insert mode: %w", err)
		}
	}
	for _, c := range l.IPCCodes {
		if _, err := q.Exec(ctx, `INSERT INTO listing_ipc (listing_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING`, l.ID, c); err != nil {
			return fmt.Errorf("insert ipc: %w", err)
		}
	}
	for i, it := range l.IPItems {
		if _, err := q.Exec(ctx, `INSERT INTO listing_ip_items (listing_id, seq, type, number, title, status, territory, expiry_date)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, i, it.Type, it.Number, it.Title, it.Status, it.Territory, store.NullString(it.ExpiryDate)); err != nil {
			return fmt.Errorf("insert ip item: %w", err)
		}
	}
	for i, o := range l.Owners {
		if _, err := q.Exec(ctx, `INSERT INTO listing_owners (listing_id, seq, name, org_id, share_bp) VALUES (?, ?, ?, ?, ?)`,
			l.ID, i, o.Name, store.NullString(o.OrgID), o.ShareBP); err != nil {
			return fmt.Errorf("insert owner: %w", err)
		}
	}
	return writeSearchTokens(ctx, q, l)
}
