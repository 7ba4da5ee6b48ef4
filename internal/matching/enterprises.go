package matching

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/techmarket-org/techmarket/internal/apperr"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/identity"
	"github.com/techmarket-org/techmarket/internal/listing"
	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/store"
)

// Enterprises as the third match target: for an achievement, the enterprises
// most likely to want it, including those that never posted a need. Each
// enterprise is one document of a second engine: its profile (business scope,
// fields, IPC) and the public titles and summaries of its needs that were ever
// published. The confidential detail is never read, so it cannot contribute.

// TargetEnterprise is the Seeker.TargetKind of enterprise matches.
const TargetEnterprise = "enterprise"

// maxNeedsPerEnterprise bounds how many of an enterprise's needs (the most
// recently published) go into its document, so that one enterprise with
// thousands of needs neither dominates memory nor drowns its own profile.
const maxNeedsPerEnterprise = 200

// EnterpriseSummary is what enterprise matches show of an enterprise: its
// public directory entry and profile.
type EnterpriseSummary struct {
	ID         string   `json:"id"`
	NameZh     string   `json:"name_zh"`
	NameEn     string   `json:"name_en"`
	RegionCode string   `json:"region_code"`
	Website    string   `json:"website"`
	ScopeZh    string   `json:"scope_zh"`
	ScopeEn    string   `json:"scope_en"`
	Fields     []string `json:"fields"`
	IPCCodes   []string `json:"ipc_codes"`
	// NeedCount is the number of its public needs in its document.
	NeedCount int `json:"need_count"`
}

// Name returns the enterprise's name in a language, falling back to Chinese.
func (e EnterpriseSummary) Name(lang string) string { return pick(lang, e.NameZh, e.NameEn) }

// Scope returns its business scope in a language, falling back.
func (e EnterpriseSummary) Scope(lang string) string { return pick(lang, e.ScopeZh, e.ScopeEn) }

// NeedRef is one of a matched enterprise's public needs that holds a matched
// word.
type NeedRef struct {
	ID      string `json:"id"`
	TitleZh string `json:"title_zh"`
	TitleEn string `json:"title_en"`
}

// Title returns the need's title in a language, falling back.
func (n NeedRef) Title(lang string) string { return pick(lang, n.TitleZh, n.TitleEn) }

// EnterpriseMatch is one ranked enterprise with why it matched.
type EnterpriseMatch struct {
	Enterprise EnterpriseSummary `json:"enterprise"`
	Score      float64           `json:"score"`
	TextScore  float64           `json:"text_score"`
	Terms      []MatchTerm       `json:"terms"`
	Factors    []MatchFactor     `json:"factors"`
	// Needs are its visible needs that contain a matched word (at most 3).
	Needs []NeedRef `json:"needs"`
}

// EnterpriseMatches are the ranked enterprises for an achievement.
type EnterpriseMatches struct {
	Seeker Seeker            `json:"seeker"`
	Items  []EnterpriseMatch `json:"items"`
}

// enterpriseIndex is the second engine and its life cycle.
type enterpriseIndex struct {
	engine *search.Index

	mu    sync.Mutex
	state buildState
	dirty map[string]bool // enterprises changed while a build reads the database
	docs  int
}

func newEnterpriseIndex() (*enterpriseIndex, error) {
	an, err := analyzer()
	if err != nil {
		return nil, err
	}
	x, err := search.New(search.Options{Analyzer: an})
	if err != nil {
		return nil, err
	}
	return &enterpriseIndex{engine: x}, nil
}

// entNeed is the public part of one of an enterprise's needs.
type entNeed struct {
	ID, Status                             string
	TitleZh, TitleEn, SummaryZh, SummaryEn string
	Field                                  string
	IPC                                    []string
}

// entData is everything an enterprise's document is made of.
type entData struct {
	EnterpriseSummary
	needs []entNeed
}

// doc is the enterprise's engine document.
func (e *entData) doc() search.Doc {
	f := search.Features{Region: e.RegionCode}
	fields := map[string]bool{}
	addField := func(c string) {
		if c != "" && !fields[c] {
			fields[c] = true
			f.Fields = append(f.Fields, c)
		}
	}
	ipcs := map[string]bool{}
	addIPC := func(c string) {
		if len(strings.ReplaceAll(c, " ", "")) >= 4 && !ipcs[c] { // the engine compares from the subclass on
			ipcs[c] = true
			f.IPC = append(f.IPC, c)
		}
	}
	for _, c := range e.Fields {
		addField(c)
	}
	for _, c := range e.IPCCodes {
		addIPC(c)
	}
	var body []string
	var allIPC []string
	for _, n := range e.needs {
		addField(n.Field)
		for _, c := range n.IPC {
			addIPC(c)
		}
		allIPC = append(allIPC, n.IPC...)
		body = append(body, joinNonEmpty(joinNonEmpty(n.TitleZh, n.TitleEn), joinNonEmpty(n.SummaryZh, n.SummaryEn)))
	}
	// The profile is the enterprise's own statement of what it does: it is
	// the title (counted 3×); its needs are the body.
	return search.Doc{
		ID:       e.ID,
		Title:    joinNonEmpty(e.ScopeZh, e.ScopeEn),
		Body:     joinNonEmpty(strings.Join(body, "\n"), ipcText(append(append([]string(nil), e.IPCCodes...), allIPC...))),
		Features: f,
	}
}

// text is the enterprise's public text, to turn matched terms back into its
// own words.
func (e *entData) text() string {
	parts := []string{e.ScopeZh, e.ScopeEn}
	for _, n := range e.needs {
		parts = append(parts, n.TitleZh, n.TitleEn, n.SummaryZh, n.SummaryEn)
	}
	return strings.Join(parts, "\n")
}

// loadEnterprises reads enterprises (all of them when ids is nil) with their
// profiles and the public fields of their needs that were ever published and
// are not back in review: published, expired or withdrawn after publication.
// Only title and summary columns are selected: the confidential detail is
// never read here.
func loadEnterprises(ctx context.Context, db *store.DB, ids []string) (map[string]*entData, []string, error) {
	if ids != nil && len(ids) == 0 {
		return map[string]*entData{}, nil, nil
	}
	orgWhere, needWhere := "", ""
	var args []any
	if ids != nil {
		ph := store.Placeholders(len(ids))
		orgWhere, needWhere = " AND o.id IN ("+ph+")", " AND l.owner_org_id IN ("+ph+")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := db.Query(ctx, `SELECT o.id, o.name_zh, o.name_en, o.region_code, o.website,
		COALESCE(p.scope_zh, ''), COALESCE(p.scope_en, ''), COALESCE(p.fields, ''), COALESCE(p.ipc_codes, '')
		FROM organizations o LEFT JOIN org_profiles p ON p.org_id = o.id
		WHERE o.type = 'enterprise'`+orgWhere+` ORDER BY o.id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("read enterprises: %w", err)
	}
	out := map[string]*entData{}
	var order []string
	for rows.Next() {
		e := &entData{}
		var fields, ipc string
		if err := rows.Scan(&e.ID, &e.NameZh, &e.NameEn, &e.RegionCode, &e.Website, &e.ScopeZh, &e.ScopeEn, &fields, &ipc); err != nil {
			rows.Close()
			return nil, nil, err
		}
		e.Fields, e.IPCCodes = identity.SplitCodes(fields), identity.SplitCodes(ipc)
		out[e.ID] = e
		order = append(order, e.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	// The most recent maxNeedsPerEnterprise needs of each enterprise, ranked
	// in the database so that a company with thousands of needs does not
	// send them all.
	recent := `SELECT l.id, l.owner_org_id, l.status, l.title_zh, l.title_en, l.summary_zh, l.summary_en, l.field,
		ROW_NUMBER() OVER (PARTITION BY l.owner_org_id ORDER BY l.published_at DESC, l.id) AS rn
		FROM listings l JOIN organizations o ON o.id = l.owner_org_id
		WHERE o.type = 'enterprise' AND l.kind = 'need' AND l.published_at IS NOT NULL
		AND l.status IN ('published', 'expired', 'withdrawn')` + needWhere
	limit := fmt.Sprintf(" WHERE n.rn <= %d", maxNeedsPerEnterprise)
	rows, err = db.Query(ctx, `SELECT n.id, n.owner_org_id, n.status, n.title_zh, n.title_en, n.summary_zh, n.summary_en, n.field
		FROM (`+recent+`) n`+limit+` ORDER BY n.owner_org_id, n.rn`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("read enterprise needs: %w", err)
	}
	byID := map[string]*entNeed{}
	for rows.Next() {
		var n entNeed
		var owner string
		if err := rows.Scan(&n.ID, &owner, &n.Status, &n.TitleZh, &n.TitleEn, &n.SummaryZh, &n.SummaryEn, &n.Field); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if e := out[owner]; e != nil {
			e.needs = append(e.needs, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for _, e := range out {
		e.NeedCount = len(e.needs)
		for i := range e.needs {
			byID[e.needs[i].ID] = &e.needs[i]
		}
	}
	rows, err = db.Query(ctx, `SELECT i.listing_id, i.code FROM listing_ipc i
		WHERE i.listing_id IN (SELECT n.id FROM (`+recent+`) n`+limit+`) ORDER BY i.listing_id, i.code`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("read enterprise needs' IPC: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, nil, err
		}
		if n := byID[id]; n != nil {
			n.IPC = append(n.IPC, code)
		}
	}
	return out, order, rows.Err()
}

// buildEnterprises reads every enterprise into the second engine. It runs
// inside Build; changes meanwhile are refreshed again after the read.
func (s *Service) buildEnterprises(ctx context.Context) error {
	x, p := s.ent, s.prod
	if x == nil || p == nil {
		return nil // not wired to a database: no enterprise matching
	}
	x.mu.Lock()
	if x.state == building {
		x.mu.Unlock()
		return fmt.Errorf("matching: an enterprise build is already running")
	}
	x.state, x.dirty = building, map[string]bool{}
	x.mu.Unlock()

	ents, order, err := loadEnterprises(ctx, p.db, nil)
	var docs []search.Doc
	if err == nil {
		docs = make([]search.Doc, 0, len(order))
		for _, id := range order {
			if d := docOrNil(ents[id]); d != nil {
				docs = append(docs, *d)
			}
		}
		err = x.engine.UpsertMany(docs)
	}
	x.mu.Lock()
	if err != nil {
		x.state = notBuilt
		x.mu.Unlock()
		return fmt.Errorf("matching: build enterprise index: %w", err)
	}
	dirty := x.dirty
	x.state, x.dirty, x.docs = ready, nil, len(docs)
	x.mu.Unlock()
	for id := range dirty {
		s.RefreshEnterprise(id)
	}
	return nil
}

// RefreshEnterprise re-reads one organisation into the enterprise engine (or
// removes it when it is no enterprise). It is identity's profile hook and is
// called when one of an enterprise's published needs changes.
func (s *Service) RefreshEnterprise(orgID string) {
	x, p := s.ent, s.prod
	if x == nil || p == nil {
		return
	}
	x.mu.Lock()
	st := x.state
	if st == building {
		x.dirty[orgID] = true
	}
	x.mu.Unlock()
	if st == notBuilt {
		return // the build will read it
	}
	ents, _, err := loadEnterprises(context.Background(), p.db, []string{orgID})
	if err == nil {
		if d := docOrNil(ents[orgID]); d != nil {
			err = x.engine.Upsert(*d)
		} else {
			err = x.engine.Delete(orgID)
		}
	}
	if err != nil {
		s.log.Error("enterprise index update", "org", orgID, "err", err)
	}
}

// docOrNil is an enterprise's document, nil when it has no text to match
// (no profile text and no public need): the engine only scores text.
func docOrNil(e *entData) *search.Doc {
	if e == nil {
		return nil
	}
	d := e.doc()
	if d.Title == "" && d.Body == "" {
		return nil
	}
	return &d
}

// needChanged follows a listing change into the enterprise engine: a need
// that has been published is part of its owner's document.
func (s *Service) needChanged(l listing.Listing) {
	if l.Kind == listing.KindNeed && l.PublishedAt != nil {
		s.RefreshEnterprise(l.OwnerOrgID)
	}
}

func (s *Service) enterprisesReady() bool {
	if s.ent == nil {
		return false
	}
	s.ent.mu.Lock()
	defer s.ent.mu.Unlock()
	return s.ent.state == ready
}

// EnterprisesFor returns the enterprises most likely to want an achievement:
// text relevance of the achievement's public text against each enterprise's
// profile and public needs, times the compatibility of fields, IPC and region.
// Whoever may see the achievement's matches may see these (see ForListing);
// the achievement owner's own organisation is left out.
func (s *Service) EnterprisesFor(ctx context.Context, actor domain.Actor, listingID string, k int) (EnterpriseMatches, error) {
	const op = "matching.EnterprisesFor"
	if actor.IsAnonymous() {
		return EnterpriseMatches{}, apperr.E(op, apperr.Unauthenticated, "sign in to see matches")
	}
	k, err := checkK(op, k)
	if err != nil {
		return EnterpriseMatches{}, err
	}
	l, err := s.listings.Get(ctx, actor, listingID)
	if err != nil {
		return EnterpriseMatches{}, err
	}
	if l.Kind != listing.KindAchievement {
		return EnterpriseMatches{}, apperr.Fields(op, apperr.Field("id", "wrong_kind",
			"only achievements match enterprises", "只有科技成果可匹配企业"))
	}
	sum := summaryOf(l)
	out := EnterpriseMatches{Seeker: Seeker{Type: SeekerListing, ID: l.ID, TargetKind: TargetEnterprise, Listing: &sum}, Items: []EnterpriseMatch{}}
	if !s.enterprisesReady() {
		return out, apperr.E(op, apperr.Unavailable, "the matching index is still being built; try again in a minute")
	}
	doc := DocOf(l)
	// Only the facts an enterprise document has: fields, IPC and region. An
	// offer's TRL, price and transfer modes have nothing to compare with.
	f := search.Features{Fields: doc.Features.Fields, IPC: doc.Features.IPC, Region: doc.Features.Region}
	res, err := s.ent.engine.Search(search.Query{Text: doc.Title + "\n" + doc.Body, Profile: &f, Explain: true, K: k,
		Filter: search.Filter{ExcludeIDs: []string{l.OwnerOrgID}}})
	if err != nil {
		return out, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	ents, _, err := loadEnterprises(ctx, s.prod.db, ids)
	if err != nil {
		return out, err
	}
	for _, h := range res.Hits {
		e := ents[h.ID]
		if e == nil {
			continue // no longer an enterprise since the index saw it
		}
		m := EnterpriseMatch{Enterprise: e.EnterpriseSummary, Score: round3(h.Score), TextScore: round3(h.TextScore),
			Terms: explainText(h.Terms, e.text()), Factors: explainFactors(h.Factors), Needs: []NeedRef{}}
		m.Needs = needsWithWords(e.needs, m.Terms)
		out.Items = append(out.Items, m)
	}
	return out, nil
}

// needsWithWords picks up to three of the enterprise's visible needs whose
// public text holds a matched word, the ones holding the best-scoring words
// first, to show where the match came from. Withdrawn needs count in the
// ranking (their text was public) but are not linked: nobody else can open
// them any more.
func needsWithWords(needs []entNeed, terms []MatchTerm) []NeedRef {
	type scored struct {
		ref   NeedRef
		score float64
	}
	var found []scored
	for _, n := range needs {
		if n.Status == listing.StatusWithdrawn {
			continue
		}
		text := asciiLower(n.TitleZh + "\n" + n.TitleEn + "\n" + n.SummaryZh + "\n" + n.SummaryEn)
		score := 0.0
		for _, t := range terms {
			for _, w := range t.Words {
				if w != "" && strings.Contains(text, asciiLower(w)) {
					score += t.Score
					break
				}
			}
		}
		if score > 0 {
			found = append(found, scored{NeedRef{ID: n.ID, TitleZh: n.TitleZh, TitleEn: n.TitleEn}, score})
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].score > found[j].score })
	out := []NeedRef{}
	for _, f := range found[:min(3, len(found))] {
		out = append(out, f.ref)
	}
	return out
}
