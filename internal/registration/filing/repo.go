package filing

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/registration"
	"github.com/techmarket-org/techmarket/internal/store"
)

const filingColumns = `id, registry_org_id, filer_org_id, filer_user_id, status, contract, result, content_hash,
	amount_fen, technology_amount_fen, override_amount_fen, override_reason, override_by, override_at,
	submitted_at, deadline_due, claimed_by, registration_number, registered_at, version, created_at, updated_at, source_deal_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanFiling(sc rowScanner) (Filing, error) {
	var f Filing
	var contract string
	var result, number, deadline, source sql.NullString
	var overrideFen sql.NullInt64
	var overrideAt *time.Time
	var override registration.Override
	if err := sc.Scan(&f.ID, &f.RegistryOrgID, &f.FilerOrgID, &f.FilerUserID, &f.Status, &contract, &result, &f.ContentHash,
		&f.AmountFen, &f.TechnologyAmountFen, &overrideFen, &override.Reason, &override.By, store.NullTime(&overrideAt),
		store.NullTime(&f.SubmittedAt), &deadline, &f.ClaimedBy, &number, store.NullTime(&f.RegisteredAt), &f.Version,
		store.Time(&f.CreatedAt), store.Time(&f.UpdatedAt), &source); err != nil {
		return Filing{}, err
	}
	if err := json.Unmarshal([]byte(contract), &f.Contract); err != nil {
		return Filing{}, fmt.Errorf("filing %s: stored contract: %w", f.ID, err)
	}
	if result.Valid {
		f.Result = &registration.Result{}
		if err := json.Unmarshal([]byte(result.String), f.Result); err != nil {
			return Filing{}, fmt.Errorf("filing %s: stored result: %w", f.ID, err)
		}
	}
	if overrideFen.Valid {
		override.AmountFen = domain.Fen(overrideFen.Int64)
		if overrideAt != nil {
			override.At = *overrideAt
		}
		f.Override = &override
	}
	f.DeadlineDue = deadline.String
	f.RegistrationNumber = number.String
	if source.Valid {
		f.SourceDealID, f.SourceDealLink = source.String, "/deals/"+source.String
	}
	return f, nil
}

func loadFiling(ctx context.Context, q store.Querier, id string) (Filing, error) {
	f, err := scanFiling(q.QueryRow(ctx, `SELECT `+filingColumns+` FROM registration_filings WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return Filing{}, apperr.E("filing.load", apperr.NotFound, "no such filing")
	}
	if err != nil {
		return Filing{}, fmt.Errorf("load filing %s: %w", id, err)
	}
	return f, nil
}

func queryFilings(ctx context.Context, q store.Querier, where string, args ...any) ([]Filing, error) {
	rows, err := q.Query(ctx, `SELECT `+filingColumns+` FROM registration_filings `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list filings: %w", err)
	}
	defer rows.Close()
	out := []Filing{}
	for rows.Next() {
		f, err := scanFiling(rows)
		if err != nil {
			return nil, fmt.Errorf("list filings: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func insertFiling(ctx context.Context, q store.Querier, f Filing, summary registration.FilingSummary) error {
	contract, result, summaryJSON, err := encodeFiling(f, summary)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO registration_filings (id, registry_org_id, filer_org_id, filer_user_id, status, contract, result,
		summary, content_hash, seller_key, buyer_key, amount_fen, technology_amount_fen, version, created_at, updated_at, source_deal_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.RegistryOrgID, f.FilerOrgID, f.FilerUserID, f.Status, contract, result, summaryJSON, f.ContentHash,
		summary.SellerKey, summary.BuyerKey, int64(f.AmountFen), int64(f.TechnologyAmountFen), f.Version, f.CreatedAt, f.UpdatedAt, store.NullString(f.SourceDealID))
	if err != nil {
		return fmt.Errorf("insert filing: %w", err)
	}
	return nil
}

// updateFiling writes every mutable column of f, provided the stored version is
// still prevVersion: two registrars deciding the same filing at once cannot
// both win. The loser gets Conflict and its transaction rolls back.
func updateFiling(ctx context.Context, q store.Querier, f Filing, summary registration.FilingSummary, prevVersion int) error {
	contract, result, summaryJSON, err := encodeFiling(f, summary)
	if err != nil {
		return err
	}
	var overrideFen any
	var overrideAt any
	reason, by := "", ""
	if f.Override != nil {
		overrideFen, overrideAt, reason, by = int64(f.Override.AmountFen), f.Override.At, f.Override.Reason, f.Override.By
	}
	res, err := q.Exec(ctx, `UPDATE registration_filings SET status = ?, contract = ?, result = ?, summary = ?, content_hash = ?,
		seller_key = ?, buyer_key = ?, amount_fen = ?, technology_amount_fen = ?, override_amount_fen = ?, override_reason = ?,
		override_by = ?, override_at = ?, submitted_at = ?, deadline_due = ?, claimed_by = ?, registration_number = ?,
		registered_at = ?, version = ?, updated_at = ?
		WHERE id = ? AND version = ?`,
		f.Status, contract, result, summaryJSON, f.ContentHash, summary.SellerKey, summary.BuyerKey,
		int64(f.AmountFen), int64(f.TechnologyAmountFen), overrideFen, reason, by, overrideAt,
		f.SubmittedAt, store.NullString(f.DeadlineDue), f.ClaimedBy, store.NullString(f.RegistrationNumber),
		f.RegisteredAt, f.Version, f.UpdatedAt, f.ID, prevVersion)
	if err != nil {
		return fmt.Errorf("update filing %s: %w", f.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update filing %s: %w", f.ID, err)
	} else if n == 0 {
		return apperr.E("filing.update", apperr.Conflict, "the filing was changed by someone else; reload it and try again")
	}
	return nil
}

func encodeFiling(f Filing, summary registration.FilingSummary) (contract string, result, summaryJSON any, err error) {
	cb, err := json.Marshal(f.Contract)
	if err != nil {
		return "", nil, nil, fmt.Errorf("encode contract: %w", err)
	}
	if f.Result != nil {
		rb, err := json.Marshal(f.Result)
		if err != nil {
			return "", nil, nil, fmt.Errorf("encode result: %w", err)
		}
		result = string(rb)
	}
	sb, err := json.Marshal(summary)
	if err != nil {
		return "", nil, nil, fmt.Errorf("encode summary: %w", err)
	}
	return string(cb), result, string(sb), nil
}

// relatedSummaries returns the stored summaries of other filings the integrity
// checks compare with: the same content, and the filings reachable from the
// parties through up to three rounds of shared party keys (enough for the
// circle check's chains of four). Drafts and closed filings are left out.
func relatedSummaries(ctx context.Context, q store.Querier, self registration.FilingSummary) ([]registration.FilingSummary, error) {
	const maxOthers = 2000
	seen := map[string]bool{self.ID: true}
	var out []registration.FilingSummary
	keys := map[string]bool{}
	for _, k := range []string{self.SellerKey, self.BuyerKey} {
		if k != "" {
			keys[k] = true
		}
	}
	add := func(where string, args ...any) error {
		rows, err := q.Query(ctx, `SELECT id, status, summary FROM registration_filings WHERE status IN (?, ?, ?) AND (`+where+`) LIMIT ?`,
			append([]any{registration.StatusSubmitted, registration.StatusCorrectionRequested, registration.StatusRegistered}, append(args, maxOthers)...)...)
		if err != nil {
			return fmt.Errorf("related filings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, status, body string
			if err := rows.Scan(&id, &status, &body); err != nil {
				return fmt.Errorf("related filings: %w", err)
			}
			if seen[id] || len(out) >= maxOthers {
				continue
			}
			seen[id] = true
			var sum registration.FilingSummary
			if err := json.Unmarshal([]byte(body), &sum); err != nil {
				return fmt.Errorf("related filing %s: summary: %w", id, err)
			}
			sum.ID, sum.Status = id, status
			out = append(out, sum)
			for _, k := range []string{sum.SellerKey, sum.BuyerKey} {
				if k != "" {
					keys[k] = true
				}
			}
		}
		return rows.Err()
	}
	if err := add(`content_hash = ?`, self.ContentHash); err != nil {
		return nil, err
	}
	for round := 0; round < 3 && len(keys) > 0 && len(out) < maxOthers; round++ {
		list := make([]any, 0, len(keys))
		for k := range keys {
			list = append(list, k)
		}
		ph := store.Placeholders(len(list))
		if err := add(`seller_key IN (`+ph+`) OR buyer_key IN (`+ph+`)`, append(list, list...)...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func anySlice(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
