package deal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/deal/rules"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store"
)

// dealColumns is the select list of scanDeal, over deals d joined with the
// listing l and both organisations.
const dealColumns = `d.id, d.listing_id, l.kind, l.title_zh, l.title_en, d.seller_org_id, so.name_zh, d.buyer_org_id, bo.name_zh,
	d.counterparty_org_id, d.venue_code, d.rule_version, d.method, d.state, COALESCE(d.sale_id, ''), COALESCE(d.challenge_id, ''),
	d.state_owned, d.nda_version, d.nda_sha256, d.nda_accepted_by, d.nda_accepted_at, d.agreed_terms, d.agreed_at,
	d.notice_required, d.notice_starts_at, d.notice_ends_at, d.notice_cleared_at, d.contract_version, d.concluded_at,
	d.buyer_fee_fen, d.seller_fee_fen, d.end_reason, d.created_by, d.created_at, d.updated_at`

const dealFrom = ` FROM deals d JOIN listings l ON l.id = d.listing_id
	JOIN organizations so ON so.id = d.seller_org_id JOIN organizations bo ON bo.id = d.buyer_org_id`

type rowScanner interface{ Scan(...any) error }

func scanDeal(sc rowScanner) (Deal, error) {
	var d Deal
	var ndaVersion sql.NullInt64
	var ndaSHA, ndaBy string
	var ndaAt *time.Time
	var terms sql.NullString
	var buyerFee, sellerFee sql.NullInt64
	err := sc.Scan(&d.ID, &d.ListingID, &d.ListingKind, &d.ListingTitle.Zh, &d.ListingTitle.En, &d.SellerOrgID, &d.SellerName,
		&d.BuyerOrgID, &d.BuyerName, &d.CounterpartyOrgID, &d.Venue, &d.RuleVersion, &d.Method, &d.State, &d.SaleID, &d.ChallengeID,
		&d.StateOwned, &ndaVersion, &ndaSHA, &ndaBy, store.NullTime(&ndaAt), &terms, store.NullTime(&d.AgreedAt),
		&d.NoticeRequired, store.NullTime(&d.NoticeStartsAt), store.NullTime(&d.NoticeEndsAt), store.NullTime(&d.NoticeClearedAt),
		&d.ContractVersion, store.NullTime(&d.ConcludedAt), &buyerFee, &sellerFee, &d.EndReason, &d.CreatedBy,
		store.Time(&d.CreatedAt), store.Time(&d.UpdatedAt))
	if err != nil {
		return d, err
	}
	if ndaVersion.Valid && ndaAt != nil {
		d.NDA = &NDAAcceptance{Version: int(ndaVersion.Int64), SHA256: ndaSHA, AcceptedBy: ndaBy, AcceptedAt: *ndaAt}
	}
	if terms.Valid {
		var t OfferTerms
		if err := json.Unmarshal([]byte(terms.String), &t); err != nil {
			return d, fmt.Errorf("deal %s: decode agreed terms: %w", d.ID, err)
		}
		d.AgreedTerms = &t
	}
	d.BuyerFeeFen, d.SellerFeeFen = fenPtr(buyerFee), fenPtr(sellerFee)
	return d, nil
}

func fenPtr(v sql.NullInt64) *domain.Fen {
	if !v.Valid {
		return nil
	}
	f := domain.Fen(v.Int64)
	return &f
}

func fenArg(f *domain.Fen) any {
	if f == nil {
		return nil
	}
	return int64(*f)
}

// getDeal reads a deal; forUpdate locks the deal row on PostgreSQL (SQLite
// transactions already hold the database's single write lock).
func getDeal(ctx context.Context, q store.Querier, id string, forUpdate bool) (Deal, error) {
	query := `SELECT ` + dealColumns + dealFrom + ` WHERE d.id = ?`
	if forUpdate && q.Dialect() == store.Postgres {
		query += ` FOR UPDATE OF d`
	}
	d, err := scanDeal(q.QueryRow(ctx, query, id))
	if store.IsNoRows(err) {
		return d, apperr.E("deal.get", apperr.NotFound, "deal not found")
	}
	if err != nil {
		return d, fmt.Errorf("read deal %s: %w", id, err)
	}
	return d, nil
}

// dealFor finds the room of a listing and counterparty; ok is false if none.
func dealFor(ctx context.Context, q store.Querier, listingID, counterpartyOrgID string, forUpdate bool) (Deal, bool, error) {
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM deals WHERE listing_id = ? AND counterparty_org_id = ?`, listingID, counterpartyOrgID).Scan(&id)
	if store.IsNoRows(err) {
		return Deal{}, false, nil
	}
	if err != nil {
		return Deal{}, false, fmt.Errorf("find deal: %w", err)
	}
	d, err := getDeal(ctx, q, id, forUpdate)
	return d, err == nil, err
}

func listDeals(ctx context.Context, q store.Querier, where string, args ...any) ([]Deal, error) {
	rows, err := q.Query(ctx, `SELECT `+dealColumns+dealFrom+` WHERE `+where+` ORDER BY d.updated_at DESC, d.id LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("list deals: %w", err)
	}
	defer rows.Close()
	var out []Deal
	for rows.Next() {
		d, err := scanDeal(rows)
		if err != nil {
			return nil, fmt.Errorf("list deals: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func insertDeal(ctx context.Context, q store.Querier, d Deal) error {
	_, err := q.Exec(ctx, `INSERT INTO deals (id, listing_id, seller_org_id, buyer_org_id, counterparty_org_id, venue_code,
		rule_version, method, state, sale_id, challenge_id, state_owned, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.ListingID, d.SellerOrgID, d.BuyerOrgID, d.CounterpartyOrgID, d.Venue, d.RuleVersion, string(d.Method),
		string(d.State), store.NullString(d.SaleID), store.NullString(d.ChallengeID), d.StateOwned, d.CreatedBy, d.CreatedAt, d.UpdatedAt)
	if err != nil {
		return fmt.Errorf("insert deal: %w", err)
	}
	return nil
}

// saveDeal writes every mutable column of d.
func saveDeal(ctx context.Context, q store.Querier, d Deal) error {
	var terms any
	if d.AgreedTerms != nil {
		b, err := json.Marshal(d.AgreedTerms)
		if err != nil {
			return fmt.Errorf("encode agreed terms: %w", err)
		}
		terms = string(b)
	}
	var ndaVersion, ndaAt any
	var ndaSHA, ndaBy string
	if d.NDA != nil {
		ndaVersion, ndaSHA, ndaBy, ndaAt = d.NDA.Version, d.NDA.SHA256, d.NDA.AcceptedBy, d.NDA.AcceptedAt
	}
	_, err := q.Exec(ctx, `UPDATE deals SET venue_code = ?, rule_version = ?, method = ?, state = ?, sale_id = ?, challenge_id = ?,
		nda_version = ?, nda_sha256 = ?, nda_accepted_by = ?, nda_accepted_at = ?, agreed_terms = ?, agreed_price_fen = ?, agreed_at = ?,
		notice_required = ?, notice_starts_at = ?, notice_ends_at = ?, notice_cleared_at = ?, contract_version = ?, concluded_at = ?,
		buyer_fee_fen = ?, seller_fee_fen = ?, end_reason = ?, updated_at = ? WHERE id = ?`,
		d.Venue, d.RuleVersion, string(d.Method), string(d.State), store.NullString(d.SaleID), store.NullString(d.ChallengeID),
		ndaVersion, ndaSHA, ndaBy, ndaAt, terms, agreedPrice(d), d.AgreedAt,
		d.NoticeRequired, d.NoticeStartsAt, d.NoticeEndsAt, d.NoticeClearedAt, d.ContractVersion, d.ConcludedAt,
		fenArg(d.BuyerFeeFen), fenArg(d.SellerFeeFen), d.EndReason, d.UpdatedAt, d.ID)
	if err != nil {
		return fmt.Errorf("save deal %s: %w", d.ID, err)
	}
	return nil
}

func agreedPrice(d Deal) any {
	if d.AgreedTerms == nil {
		return nil
	}
	return int64(d.AgreedTerms.PriceFen)
}

// changeDeal runs one step on a deal under its row lock: it loads the deal,
// decides the actor's access, lets step change it, saves it and audits the step
// with the state before and after. A step that returns an error changes nothing.
func (s *Service) changeDeal(ctx context.Context, op string, actor domain.Actor, dealID string,
	step func(tx *store.Tx, d *Deal, v viewer, now time.Time) (detail map[string]any, err error)) (Deal, error) {
	var out Deal
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		d, err := getDeal(ctx, tx, dealID, true)
		if err != nil {
			return err
		}
		v, err := s.access(ctx, tx, actor, d)
		if err != nil {
			return err
		}
		from := d.State
		now := s.clock()
		detail, err := step(tx, &d, v, now)
		if err != nil {
			return err
		}
		d.UpdatedAt = now
		if err := saveDeal(ctx, tx, d); err != nil {
			return err
		}
		if detail == nil {
			detail = map[string]any{}
		}
		detail["from"], detail["to"] = from, d.State
		if err := s.audit(ctx, tx, actor, op, "deal", d.ID, detail); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return Deal{}, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// fire moves d by ev according to DealTransitions.
func fire(op string, d *Deal, ev Event) error {
	to, r := dealMachine.step(d.State, ev)
	if r != nil {
		return refused(op, apperr.Conflict, r)
	}
	d.State = to
	return nil
}

// ruleSet loads the rule-set version the deal runs under.
func (s *Service) ruleSetOf(ctx context.Context, q store.Querier, venue string, version int) (rules.RuleSet, error) {
	return s.rules.Load(ctx, q, venue, version)
}
