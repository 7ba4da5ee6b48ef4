package listing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/techmarket-org/techmarket/internal/store"
)

// listingColumns is the select list for scanListing, in order.
const listingColumns = `l.id, l.kind, l.status, l.owner_org_id, o.name_zh, o.name_en, l.created_by,
	l.title_zh, l.title_en, l.summary_zh, l.summary_en, l.detail_zh, l.detail_en, l.field, l.trl, l.trl_evidence,
	l.price_type, l.price_fen, l.region_code, l.state_owned, l.budget_min_fen, l.budget_max_fen, l.required_trl,
	l.need_deadline, l.validity_months, l.reject_reason, l.submitted_at, l.published_at, l.expires_at, l.version,
	l.created_at, l.updated_at`

type rowScanner interface{ Scan(...any) error }

func scanListing(sc rowScanner) (Listing, error) {
	var l Listing
	var ownerZh, ownerEn string
	err := sc.Scan(&l.ID, &l.Kind, &l.Status, &l.OwnerOrgID, &ownerZh, &ownerEn, &l.CreatedBy,
		&l.TitleZh, &l.TitleEn, &l.SummaryZh, &l.SummaryEn, &l.DetailZh, &l.DetailEn, &l.Field, &l.TRL, &l.TRLEvidence,
		&l.PriceType, &l.PriceFen, &l.RegionCode, &l.StateOwned, &l.BudgetMinFen, &l.BudgetMaxFen, &l.RequiredTRL,
		store.Date(&l.Deadline), &l.ValidityMonths, &l.RejectReason, store.NullTime(&l.SubmittedAt),
		store.NullTime(&l.PublishedAt), store.NullTime(&l.ExpiresAt), &l.Version,
		store.Time(&l.CreatedAt), store.Time(&l.UpdatedAt))
	l.OwnerName, l.OwnerNameEn = ownerZh, ownerEn
	return l, err
}

func insertListing(ctx context.Context, q store.Querier, l *Listing) error {
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
	return replaceChildren(ctx, q, l)
}

// updateContent rewrites the editable content; the version check makes concurrent
// edits fail instead of silently overwriting each other.
func updateContent(ctx context.Context, q store.Querier, l *Listing, expectVersion int) (bool, error) {
	res, err := q.Exec(ctx, `UPDATE listings SET title_zh = ?, title_en = ?, summary_zh = ?, summary_en = ?,
		detail_zh = ?, detail_en = ?, field = ?, trl = ?, trl_evidence = ?, price_type = ?, price_fen = ?,
		region_code = ?, state_owned = ?, budget_min_fen = ?, budget_max_fen = ?, required_trl = ?, need_deadline = ?,
		validity_months = ?, status = ?, submitted_at = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		l.TitleZh, l.TitleEn, l.SummaryZh, l.SummaryEn, l.DetailZh, l.DetailEn, l.Field, l.TRL, l.TRLEvidence,
		l.PriceType, l.PriceFen, l.RegionCode, l.StateOwned, l.BudgetMinFen, l.BudgetMaxFen, l.RequiredTRL,
		store.NullString(l.Deadline), l.ValidityMonths, l.Status, l.SubmittedAt, l.UpdatedAt, l.ID, expectVersion)
	if err != nil {
		return false, fmt.Errorf("update listing: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, replaceChildren(ctx, q, l)
}

func replaceChildren(ctx context.Context, q store.Querier, l *Listing) error {
	for _, t := range []string{"listing_modes", "listing_ipc", "listing_ip_items", "listing_owners", "listing_fts"} {
		if _, err := q.Exec(ctx, `DELETE FROM `+t+` WHERE listing_id = ?`, l.ID); err != nil {
			return fmt.Errorf("clear %s: %w", t, err)
		}
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

func writeSearchTokens(ctx context.Context, q store.Querier, l *Listing) error {
	toks := searchTokens(l.TitleZh, l.TitleEn, l.SummaryZh, l.SummaryEn, strings.Join(l.IPCCodes, " "))
	var err error
	if q.Dialect() == store.Postgres {
		_, err = q.Exec(ctx, `INSERT INTO listing_fts (listing_id, tokens) VALUES (?, ?)`, l.ID, toks)
	} else {
		_, err = q.Exec(ctx, `INSERT INTO listing_fts (listing_id, tokens) VALUES (?, ?)`, l.ID, strings.Join(toks, " "))
	}
	if err != nil {
		return fmt.Errorf("index listing: %w", err)
	}
	return nil
}

func getListing(ctx context.Context, q store.Querier, id string, forUpdate bool) (Listing, error) {
	query := `SELECT ` + listingColumns + ` FROM listings l JOIN organizations o ON o.id = l.owner_org_id WHERE l.id = ?`
	if forUpdate && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE OF l`
	}
	l, err := scanListing(q.QueryRow(ctx, query, id))
	if err != nil {
		return Listing{}, err
	}
	return l, loadChildren(ctx, q, &l)
}

func loadChildren(ctx context.Context, q store.Querier, l *Listing) error {
	var err error
	if l.TransferModes, err = strings1(ctx, q, `SELECT mode FROM listing_modes WHERE listing_id = ? ORDER BY mode`, l.ID); err != nil {
		return err
	}
	if l.IPCCodes, err = strings1(ctx, q, `SELECT code FROM listing_ipc WHERE listing_id = ? ORDER BY code`, l.ID); err != nil {
		return err
	}
	rows, err := q.Query(ctx, `SELECT type, number, title, status, territory, expiry_date FROM listing_ip_items WHERE listing_id = ? ORDER BY seq`, l.ID)
	if err != nil {
		return fmt.Errorf("ip items: %w", err)
	}
	l.IPItems = nil
	for rows.Next() {
		var it IPItem
		if err := rows.Scan(&it.Type, &it.Number, &it.Title, &it.Status, &it.Territory, store.Date(&it.ExpiryDate)); err != nil {
			rows.Close()
			return err
		}
		l.IPItems = append(l.IPItems, it)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT name, COALESCE(org_id, ''), share_bp FROM listing_owners WHERE listing_id = ? ORDER BY seq`, l.ID)
	if err != nil {
		return fmt.Errorf("owners: %w", err)
	}
	defer rows.Close()
	l.Owners = nil
	for rows.Next() {
		var o Owner
		if err := rows.Scan(&o.Name, &o.OrgID, &o.ShareBP); err != nil {
			return err
		}
		l.Owners = append(l.Owners, o)
	}
	return rows.Err()
}

func strings1(ctx context.Context, q store.Querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func setStatus(ctx context.Context, q store.Querier, id, status string, sets map[string]any, now time.Time) error {
	query := `UPDATE listings SET status = ?, version = version + 1, updated_at = ?`
	args := []any{status, now}
	// Column names come from this package only, never from input.
	for _, col := range []string{"reject_reason", "submitted_at", "reviewed_by", "reviewed_at", "published_at", "expires_at", "reminded_at"} {
		if v, ok := sets[col]; ok {
			query += `, ` + col + ` = ?`
			args = append(args, v)
		}
	}
	query += ` WHERE id = ?`
	args = append(args, id)
	_, err := q.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("set listing status: %w", err)
	}
	return nil
}

func hasAccessGrant(ctx context.Context, q store.Querier, listingID string, orgIDs []string) (bool, error) {
	if len(orgIDs) == 0 {
		return false, nil
	}
	ph := store.Placeholders(len(orgIDs))
	args := []any{listingID}
	for _, o := range orgIDs {
		args = append(args, o)
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM listing_access WHERE listing_id = ? AND org_id IN (`+ph+`)`, args...).Scan(&n)
	return n > 0, err
}
