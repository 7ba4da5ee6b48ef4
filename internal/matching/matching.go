// Package matching keeps the in-memory search engine (internal/search) in step
// with the published market and answers from it: the listing search box and
// need↔technology matching. The database stays the source of truth; the index
// is rebuilt from it at start and follows every change through the listing
// service's change hook.
package matching

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/search"
)

// Service owns the engine and its life cycle.
type Service struct {
	engine   *search.Index
	ent      *enterpriseIndex // enterprises as match targets (enterprises.go)
	listings *listing.Service
	log      *slog.Logger

	dir       string     // where the listing index is saved; "" keeps it in memory
	resume    *time.Time // watermark of the saved index loaded by New, until Build catches up
	persisted bool       // the engine writes to dir
	fromDisk  bool       // the last build caught up a saved index

	mu      sync.Mutex
	state   buildState
	pending []listing.Listing // changes seen while a build reads the database
	docs    int
	took    time.Duration
	hits    hitCache // recent search-box answers, dropped on every index write

	// follow reads changes made through other servers (follow.go): set by Follow.
	follow *follower

	// The user-facing part (product.go): set by Wire.
	prod      *product
	readyCh   chan struct{} // closed once the first build is done
	readyOnce sync.Once
}

type buildState int

const (
	notBuilt buildState = iota
	building
	ready
)

// New returns a service over the listing engine; call Build to fill it or,
// when indexDir holds a saved index, to bring it up to date (persist.go).
// An empty indexDir keeps the index in memory only.
func New(listings *listing.Service, log *slog.Logger, indexDir string) (*Service, error) {
	an, err := analyzer()
	if err != nil {
		return nil, fmt.Errorf("matching: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Service{listings: listings, log: log, dir: indexDir, readyCh: make(chan struct{})}
	// KeepDocTerms lets relevance feedback add the terms of listings judged
	// relevant to a saved need's query (Rocchio); the analyzer is the engine's
	// default, shared so that matched words can be highlighted.
	s.engine, s.resume, err = s.openIndex(an)
	if err != nil {
		return nil, fmt.Errorf("matching: %w", err)
	}
	s.persisted = s.resume != nil
	s.ent, err = newEnterpriseIndex()
	if err != nil {
		return nil, fmt.Errorf("matching: %w", err)
	}
	return s, nil
}

// Status is what /readyz and operators see of the index.
type Status struct {
	Ready bool          `json:"ready"`
	Docs  int           `json:"docs"`
	Took  time.Duration `json:"build_ns"`
	// FromDisk: the index was loaded from its saved image and brought up to
	// date with the listings changed since, not rebuilt from the database.
	FromDisk bool `json:"from_disk"`
}

// Status reports whether the index answers queries yet.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Status{Ready: s.state == ready, Docs: s.docs, Took: s.took, FromDisk: s.fromDisk}
}

// Apply follows one listing change: a published listing is (re)indexed, any
// other state removes it. It is the listing service's change hook.
func (s *Service) Apply(l listing.Listing) {
	s.mu.Lock()
	if s.state == building {
		s.pending = append(s.pending, l)
	}
	s.mu.Unlock()
	s.noteApplied(l)
	s.apply(l)
	s.needChanged(l)
}

func (s *Service) apply(l listing.Listing) {
	var err error
	if l.Status == listing.StatusPublished {
		err = s.engine.Upsert(DocOf(l))
	} else {
		err = s.engine.Delete(l.ID)
	}
	s.hits.invalidate()
	if err != nil {
		s.log.Error("search index update", "listing", l.ID, "err", err)
	}
}

// Build reads every published listing into the engine — or, when New loaded
// a saved index, only the listings changed since it was saved — and saves the
// result when the index is kept on disk. Changes that arrive meanwhile are
// applied at once and again after the read, so a row read before its change
// committed cannot leave a stale entry behind.
func (s *Service) Build(ctx context.Context) error {
	s.mu.Lock()
	if s.state == building {
		s.mu.Unlock()
		return fmt.Errorf("matching: a build is already running")
	}
	s.state, s.pending = building, nil
	s.mu.Unlock()

	start := time.Now()
	watermark := start.UTC()
	n := 0
	var err error
	fromDisk := false
	if s.resume != nil {
		// A saved index: only what changed since it was saved.
		err = s.listings.EachChangedSince(ctx, s.resume.Add(-catchUpMargin), 2000, func(items []listing.Listing) error {
			for _, l := range items {
				s.apply(l)
			}
			n += len(items)
			return nil
		})
		if err == nil {
			s.log.Info("search index loaded from disk", "dir", s.dir, "changed_since_saved", n)
			fromDisk = true
		}
	} else {
		err = s.listings.EachPublished(ctx, 2000, func(items []listing.Listing) error {
			docs := make([]search.Doc, len(items))
			for i, l := range items {
				docs[i] = DocOf(l)
			}
			n += len(docs)
			return s.engine.UpsertMany(docs)
		})
	}
	if err == nil {
		// Enterprise matching is an extra: a failure there leaves listing
		// search and matching working.
		if eerr := s.buildEnterprises(ctx); eerr != nil {
			s.log.Error("enterprise index build", "err", eerr)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.state = notBuilt
		return fmt.Errorf("matching: build index: %w", err)
	}
	for _, l := range s.pending {
		s.apply(l)
	}
	// The bilingual lexicon loads on first use (~0.1 s); pay that here, not
	// in the first visitor's search.
	if _, err := s.engine.Search(search.Query{Text: "电池 battery", K: 1}); err != nil {
		s.log.Warn("search index warm-up", "err", err)
	}
	if err := s.saveIndex(watermark); err != nil {
		// The index in memory is complete; the next start rebuilds it.
		s.log.Error("save search index", "dir", s.dir, "err", err)
	}
	s.resume = nil
	s.hits.invalidate()
	s.state, s.pending, s.docs, s.took, s.fromDisk = ready, nil, s.engine.Stats().Docs, time.Since(start), fromDisk
	s.readyOnce.Do(func() { close(s.readyCh) })
	return nil
}

// MatchText answers the listing search box: every phrase of the text must
// match (in either language), best first. It implements listing.TextIndex.
func (s *Service) MatchText(q listing.Query, limit int) ([]string, bool, error) {
	if !s.Status().Ready {
		return nil, false, nil
	}
	key := hitKey(q.Text, q.Kind, q.Field, q.Province, limit)
	if ids, ok := s.hits.get(key); ok {
		return ids, true, nil
	}
	gen := s.hits.generation()
	sq := search.Query{Text: q.Text, K: limit, AllPhrases: true,
		Filter: search.Filter{Kind: q.Kind, RegionPrefix: q.Province}}
	if q.Field != "" {
		sq.Filter.Fields = []string{q.Field}
	}
	res, err := s.engine.Search(sq)
	if err != nil {
		return nil, true, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	s.hits.put(gen, key, ids)
	return ids, true, nil
}

// DocOf is what the engine indexes of a listing: titles and public summaries
// in both languages and the structured facts. Confidential detail is never
// indexed, so no search can reveal it.
func DocOf(l listing.Listing) search.Doc {
	f := search.Features{TransferModes: l.TransferModes, Region: l.RegionCode}
	if l.Field != "" {
		f.Fields = []string{l.Field}
	}
	for _, c := range l.IPCCodes {
		if len(strings.ReplaceAll(c, " ", "")) >= 4 { // the engine compares from the subclass on
			f.IPC = append(f.IPC, c)
		}
	}
	if l.Kind == listing.KindNeed {
		if l.RequiredTRL != nil {
			f.TRL = *l.RequiredTRL
		}
		if l.BudgetMinFen != nil {
			f.BudgetMinFen = *l.BudgetMinFen
		}
		if l.BudgetMaxFen != nil {
			f.BudgetMaxFen = *l.BudgetMaxFen
		}
	} else {
		f.TRL = l.TRL
		if l.PriceFen != nil {
			f.PriceFen = *l.PriceFen
		}
	}
	return search.Doc{
		ID:       l.ID,
		Kind:     l.Kind,
		Title:    joinNonEmpty(l.TitleZh, l.TitleEn),
		Body:     joinNonEmpty(joinNonEmpty(l.SummaryZh, l.SummaryEn), ipcText(l.IPCCodes)),
		Features: f,
	}
}

// ipcText makes a listing findable by its IPC symbols in the search box:
// each symbol as written and its subclass ("H01M10/052" and "H01M"), so that
// searching a subclass finds the groups under it.
func ipcText(codes []string) string {
	var parts []string
	seen := map[string]bool{}
	for _, c := range codes {
		c = strings.ToUpper(strings.ReplaceAll(c, " ", ""))
		for _, t := range []string{c[:min(4, len(c))], c} {
			if t != "" && !seen[t] {
				seen[t] = true
				parts = append(parts, t)
			}
		}
	}
	return strings.Join(parts, " ")
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}
