package listing

import (
	"context"
	"fmt"
	"strings"

	"github.com/techmarket-org/techmarket/internal/store"
)

// Query filters the public market. Zero values mean "any".
type Query struct {
	Text       string `json:"q"`
	Kind       string `json:"kind"`
	Field      string `json:"field"`
	Mode       string `json:"mode"`
	Province   string `json:"province"` // 2-digit GB/T 2260 prefix
	TRLMin     int    `json:"trl_min"`
	TRLMax     int    `json:"trl_max"`
	PriceMax   int64  `json:"price_max_fen"`
	StateOwned *bool  `json:"state_owned"`
	Page       int    `json:"page"`
	PerPage    int    `json:"per_page"`
}

// Page of results.
type Page struct {
	Items   []Listing `json:"items"`
	Total   int       `json:"total"`
	Capped  bool      `json:"total_capped,omitempty"` // Total is a lower bound: more matched
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
}

// CountCap bounds the exact count of a search. Counting every match of a common
// word costs a scan of all of them; nobody pages past 50 pages of 20, so beyond
// this the market says "1,000+".
const CountCap = 1000

// Pages returns the number of pages.
func (p Page) Pages() int {
	if p.PerPage == 0 {
		return 0
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// MaxPerPage bounds page size so one request cannot ask for the whole market.
const MaxPerPage = 100

func (q *Query) normalize() {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 {
		q.PerPage = 20
	}
	if q.PerPage > MaxPerPage {
		q.PerPage = MaxPerPage
	}
	q.Text = strings.TrimSpace(q.Text)
}

// whereClause builds the filter over published listings. Every value is a bound
// parameter; only fixed SQL fragments are concatenated.
func (q Query) whereClause(d store.Dialect) (string, []any) {
	conds := []string{"l.status = 'published'"}
	var args []any
	if q.Kind != "" {
		conds = append(conds, "l.kind = ?")
		args = append(args, q.Kind)
	}
	if q.Field != "" {
		conds = append(conds, "l.field = ?")
		args = append(args, q.Field)
	}
	if q.Province != "" {
		conds = append(conds, "l.region_code LIKE ?")
		args = append(args, q.Province+"%")
	}
	if q.TRLMin > 0 {
		conds = append(conds, "l.trl >= ?")
		args = append(args, q.TRLMin)
	}
	if q.TRLMax > 0 {
		conds = append(conds, "l.trl <= ?")
		args = append(args, q.TRLMax)
	}
	if q.PriceMax > 0 {
		conds = append(conds, "l.price_fen IS NOT NULL AND l.price_fen <= ?")
		args = append(args, q.PriceMax)
	}
	if q.StateOwned != nil {
		conds = append(conds, "l.state_owned = ?")
		args = append(args, *q.StateOwned)
	}
	if q.Mode != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM listing_modes m WHERE m.listing_id = l.id AND m.mode = ?)")
		args = append(args, q.Mode)
	}
	if toks := queryTokens(q.Text); len(toks) > 0 {
		if d == store.Postgres {
			conds = append(conds, "l.id IN (SELECT listing_id FROM listing_fts WHERE tokens @> ?)")
			args = append(args, toks)
		} else {
			quoted := make([]string, len(toks))
			for i, t := range toks {
				quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
			}
			conds = append(conds, "l.id IN (SELECT listing_id FROM listing_fts WHERE listing_fts MATCH ?)")
			args = append(args, strings.Join(quoted, " AND "))
		}
	}
	return strings.Join(conds, " AND "), args
}

func searchListings(ctx context.Context, db *store.DB, q Query) (Page, error) {
	where, args := q.whereClause(db.Dialect())
	page := Page{Page: q.Page, PerPage: q.PerPage}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM listings l WHERE `+where+` LIMIT ?) c`,
		append(append([]any{}, args...), CountCap+1)...).Scan(&page.Total); err != nil {
		return Page{}, fmt.Errorf("count listings: %w", err)
	}
	if page.Total > CountCap {
		page.Total, page.Capped = CountCap, true
	}
	rows, err := db.Query(ctx, `SELECT `+listingColumns+` FROM listings l JOIN organizations o ON o.id = l.owner_org_id
		WHERE `+where+` ORDER BY l.published_at DESC, l.id DESC LIMIT ? OFFSET ?`,
		append(args, q.PerPage, (q.Page-1)*q.PerPage)...)
	if err != nil {
		return Page{}, fmt.Errorf("search listings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return Page{}, err
		}
		page.Items = append(page.Items, l)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	return page, loadModes(ctx, db, page.Items)
}

// loadModes fills the transfer modes of a page of listings in one query.
func loadModes(ctx context.Context, q store.Querier, items []Listing) error {
	return loadCodes(ctx, q, items, "listing_modes", "mode", func(l *Listing, c string) { l.TransferModes = append(l.TransferModes, c) })
}

// loadIPC fills the IPC symbols of a batch of listings in one query.
func loadIPC(ctx context.Context, q store.Querier, items []Listing) error {
	return loadCodes(ctx, q, items, "listing_ipc", "code", func(l *Listing, c string) { l.IPCCodes = append(l.IPCCodes, c) })
}

// loadCodes reads one child table of codes for many listings at once. table
// and column are fixed identifiers from the callers above, never input.
func loadCodes(ctx context.Context, q store.Querier, items []Listing, table, column string, add func(*Listing, string)) error {
	if len(items) == 0 {
		return nil
	}
	idx := make(map[string]int, len(items))
	args := make([]any, len(items))
	for i, l := range items {
		idx[l.ID] = i
		args[i] = l.ID
	}
	rows, err := q.Query(ctx, `SELECT listing_id, `+column+` FROM `+table+` WHERE listing_id IN (`+store.Placeholders(len(items))+`) ORDER BY listing_id, `+column, args...)
	if err != nil {
		return fmt.Errorf("load %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			return err
		}
		add(&items[idx[id]], code)
	}
	return rows.Err()
}

// listWhere lists listings by an owner or status, newest change first.
func listWhere(ctx context.Context, db *store.DB, where string, args []any, limit int) ([]Listing, error) {
	rows, err := db.Query(ctx, `SELECT `+listingColumns+` FROM listings l JOIN organizations o ON o.id = l.owner_org_id
		WHERE `+where+` ORDER BY l.updated_at DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list listings: %w", err)
	}
	defer rows.Close()
	var out []Listing
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
