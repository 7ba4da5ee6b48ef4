package listing

import (
	"context"
	"fmt"
	"time"

	"github.com/techmarket-org/techmarket/internal/store"
)

// TextIndex ranks published listings for a text query. The app wires in the
// matching engine, so the search box and matching share one index; without it
// (or while it is being built) text search falls back to the database's own
// token index.
type TextIndex interface {
	// MatchText returns the ids of published listings that match q.Text and
	// the filters the index understands, most relevant first, at most limit.
	// ready is false while the index cannot answer yet.
	MatchText(q Query, limit int) (ids []string, ready bool, err error)
}

// SetTextIndex makes text searches use ix.
func (s *Service) SetTextIndex(ix TextIndex) { s.text = ix }

// indexFilters reports whether the index applies every filter of q itself;
// otherwise its ids are filtered again in the database.
func (q Query) indexFilters() bool {
	return q.Mode == "" && q.TRLMin == 0 && q.TRLMax == 0 && q.PriceMax == 0 && q.StateOwned == nil
}

// searchByIndex answers a text query from the text index: the page's ids in
// relevance order, then those rows by primary key. ok is false when the index
// is not ready.
func (s *Service) searchByIndex(ctx context.Context, q Query) (page Page, ok bool, err error) {
	ids, ready, err := s.text.MatchText(q, CountCap)
	if err != nil || !ready {
		return Page{}, false, err
	}
	capped := len(ids) >= CountCap
	if capped && !q.indexFilters() {
		// Matches beyond the index's first CountCap may pass the filters the
		// index does not hold; only the database can count them.
		return Page{}, false, nil
	}
	if !q.indexFilters() && len(ids) > 0 {
		if ids, err = filterIDs(ctx, s.db, q, ids); err != nil {
			return Page{}, false, err
		}
	}
	page = Page{Total: len(ids), Capped: capped, Page: q.Page, PerPage: q.PerPage}
	start := min((q.Page-1)*q.PerPage, len(ids))
	end := min(start+q.PerPage, len(ids))
	page.Items, err = publishedByIDs(ctx, s.db, ids[start:end])
	return page, true, err
}

// filterIDs keeps the ids that pass q's structured filters, in their order.
func filterIDs(ctx context.Context, db *store.DB, q Query, ids []string) ([]string, error) {
	q.Text = ""
	where, args := q.whereClause(db.Dialect())
	if db.Dialect() == store.SQLite {
		// SQLite has no statistics and would drive this from the status index
		// (every published row) instead of the id list; the unary + hides it.
		where = "+" + where
	}
	for _, id := range ids {
		args = append(args, id)
	}
	kept, err := strings1(ctx, db, `SELECT l.id FROM listings l WHERE `+where+` AND l.id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("filter search hits: %w", err)
	}
	keep := make(map[string]bool, len(kept))
	for _, id := range kept {
		keep[id] = true
	}
	out := ids[:0:0]
	for _, id := range ids {
		if keep[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// publishedByIDs loads the published listings among ids, in the order of ids.
// A listing the index still holds but that has just left the market is
// skipped.
func publishedByIDs(ctx context.Context, db *store.DB, ids []string) ([]Listing, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		args[i] = id
		pos[id] = i
	}
	// The status is checked here rather than in SQL: SQLite, without
	// statistics, would otherwise walk the status index instead of the ids.
	rows, err := db.Query(ctx, `SELECT `+listingColumns+` FROM listings l JOIN organizations o ON o.id = l.owner_org_id
		WHERE l.id IN (`+store.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load search hits: %w", err)
	}
	defer rows.Close()
	found := make([]*Listing, len(ids))
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return nil, err
		}
		if l.Status == StatusPublished {
			found[pos[l.ID]] = &l
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Listing, 0, len(ids))
	for _, l := range found {
		if l != nil {
			out = append(out, *l)
		}
	}
	return out, loadModes(ctx, db, out)
}

// EachPublished calls fn with every published listing, in batches of up to
// batch, confidential detail removed. It is how external indexes are rebuilt.
func (s *Service) EachPublished(ctx context.Context, batch int, fn func([]Listing) error) error {
	// Walk the primary key and skip other states in Go: SQLite, without
	// statistics, would sort every published row per batch if given the
	// status condition.
	return s.walk(ctx, batch, "", nil, func(l Listing) bool { return l.Status == StatusPublished }, fn)
}

// EachChangedSince calls fn with every listing changed at or after since, in
// any state, in batches of up to batch, confidential detail removed. An
// external index that was saved to disk catches up with it after a restart:
// published listings are (re)indexed, all others removed.
func (s *Service) EachChangedSince(ctx context.Context, since time.Time, batch int, fn func([]Listing) error) error {
	// The ids come from the updated_at index (migration 0012): a plain
	// "updated_at >= ?" beside the walk's "id > ? ORDER BY id" makes SQLite walk
	// every listing in id order, and servers follow each other's changes with
	// this read twice a second.
	return s.walk(ctx, batch, " AND l.id IN (SELECT id FROM listings WHERE updated_at >= ?)", []any{since.UTC()},
		func(Listing) bool { return true }, fn)
}

// walk reads listings in primary-key order, batch rows at a time, with an
// extra condition, and hands those keep accepts to fn with their transfer
// modes and IPC codes.
func (s *Service) walk(ctx context.Context, batch int, cond string, condArgs []any, keep func(Listing) bool, fn func([]Listing) error) error {
	after := ""
	for {
		args := append(append([]any{after}, condArgs...), batch)
		rows, err := s.db.Query(ctx, `SELECT `+listingColumns+` FROM listings l JOIN organizations o ON o.id = l.owner_org_id
			WHERE l.id > ?`+cond+` ORDER BY l.id LIMIT ?`, args...)
		if err != nil {
			return fmt.Errorf("read listings: %w", err)
		}
		var items []Listing
		read := 0
		for rows.Next() {
			l, err := scanListing(rows)
			if err != nil {
				rows.Close()
				return err
			}
			read++
			after = l.ID
			if keep(l) {
				redact(&l)
				items = append(items, l)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if read == 0 {
			return nil
		}
		if len(items) == 0 {
			continue
		}
		if err := loadModes(ctx, s.db, items); err != nil {
			return err
		}
		if err := loadIPC(ctx, s.db, items); err != nil {
			return err
		}
		if err := fn(items); err != nil {
			return err
		}
	}
}
