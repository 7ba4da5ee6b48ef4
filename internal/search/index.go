package search

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// Engine is what the listing search box and the matching pages need.
type Engine interface {
	// Upsert adds or replaces a listing; it is searchable when Upsert returns.
	Upsert(Doc) error
	// Delete removes a listing; unknown ids are not an error.
	Delete(id string) error
	// Search ranks listings for a query.
	Search(Query) (Results, error)
	// Close writes a snapshot and releases the data directory.
	Close() error
}

// Options configure an Index. The zero value is usable: memory only, default
// scoring parameters.
type Options struct {
	// Dir holds the snapshot and the append log; empty keeps the index in
	// memory only.
	Dir string
	// KeepDocTerms keeps each document's terms so that relevance feedback can
	// expand a query with the terms of documents judged relevant. It costs
	// about 4 bytes per distinct term per document.
	KeepDocTerms bool
	// SnapshotEvery is the number of logged writes after which a snapshot is
	// taken and the log truncated; 0 means 50,000.
	SnapshotEvery int
	// Scoring overrides the ranking parameters; nil means DefaultScoring.
	Scoring *Scoring
	// Analyzer overrides the text analyzer; nil means textproc with bigrams.
	Analyzer *textproc.Analyzer
}

// Index is the in-memory engine. All methods are safe for concurrent use:
// searches share a read lock, writes take the write lock only to append the
// already-analysed postings.
type Index struct {
	opts    Options
	scoring Scoring
	an      *textproc.Analyzer

	mu       sync.RWMutex
	termIDs  map[string]uint32
	terms    []string
	lists    []*postingList
	ids      []string          // by document number
	byID     map[string]uint32 // live documents only
	alive    []uint64          // bitset by document number
	docLen   []uint32          // weighted length (title tokens count TitleWeight times)
	meta     []docMeta
	ipcArena []string
	docTerms [][]uint32 // when KeepDocTerms
	live     int
	totalLen uint64 // over live documents
	deleted  int    // dead document numbers not yet compacted away

	applyScratch map[uint32]uint16 // guarded by mu (write)

	log *appendLog // nil when Dir is empty
}

// docMeta is the compact structured side of a document, used by filters and
// compatibility factors.
type docMeta struct {
	kind     uint8  // 0 unknown, 1 achievement, 2 need
	trl      uint8  // 0 unknown
	modes    uint8  // bitset over domain.TransferModes
	fields   uint16 // bitset over domain.TechFields
	ipcN     uint8
	ipcStart uint32 // into ipcArena
	region   uint32 // numeric region code, 0 unknown
	priceLo  int64  // achievement: asking price; need: budget min
	priceHi  int64  // achievement: asking price; need: budget max
}

var defaultAnalyzer = sync.OnceValues(func() (*textproc.Analyzer, error) {
	return textproc.New(textproc.Options{Bigrams: true})
})

// New returns an empty in-memory index, or, when opts.Dir is set, the index
// persisted there (snapshot plus replayed log).
func New(opts Options) (*Index, error) {
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = 50000
	}
	x := &Index{opts: opts, scoring: DefaultScoring, an: opts.Analyzer}
	if opts.Scoring != nil {
		x.scoring = *opts.Scoring
	}
	if x.an == nil {
		an, err := defaultAnalyzer()
		if err != nil {
			return nil, fmt.Errorf("search: load analyzer: %w", err)
		}
		x.an = an
	}
	x.reset()
	if opts.Dir != "" {
		if err := x.openDir(); err != nil {
			return nil, err
		}
	}
	return x, nil
}

func (x *Index) reset() {
	x.termIDs = map[string]uint32{}
	x.terms, x.lists = nil, nil
	x.ids, x.byID = nil, map[string]uint32{}
	x.alive, x.docLen, x.meta, x.ipcArena, x.docTerms = nil, nil, nil, nil, nil
	x.live, x.totalLen, x.deleted = 0, 0, 0
	x.applyScratch = map[uint32]uint16{}
}

// analysedDoc is a document after text analysis, ready to be applied under the
// write lock.
type analysedDoc struct {
	doc    Doc
	arena  []byte
	toks   []tokRef
	length uint32
}

type tokRef struct {
	off uint32
	n   uint16
	tf  uint16 // weight of this occurrence (TitleWeight for title tokens)
}

func (x *Index) analyse(d Doc) analysedDoc {
	a := analysedDoc{doc: d}
	add := func(text string, weight uint16) {
		x.an.Visit(text, func(term []byte, kind textproc.TokenKind, _, _ int) {
			a.toks = append(a.toks, tokRef{off: uint32(len(a.arena)), n: uint16(len(term)), tf: weight})
			a.arena = append(a.arena, term...)
			if kind == textproc.KindWord || kind == textproc.KindLatin {
				a.length += uint32(weight)
			}
		})
	}
	add(d.Title, uint16(x.scoring.TitleWeight))
	add(d.Body, 1)
	return a
}

// Upsert adds or replaces one document.
func (x *Index) Upsert(d Doc) error {
	if err := d.Validate(); err != nil {
		return err
	}
	a := x.analyse(d)
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.logWrite(walRecord{Op: opUpsert, Doc: &d}); err != nil {
		return err
	}
	x.apply(&a)
	return x.maybeMaintain()
}

// UpsertMany adds or replaces documents, analysing them on all cores. It is
// the bulk path for rebuilds; documents are applied in order.
func (x *Index) UpsertMany(docs []Doc) error {
	var fields []error
	for i := range docs {
		if err := docs[i].Validate(); err != nil {
			fields = append(fields, fmt.Errorf("document %d (%q): %w", i, docs[i].ID, err))
		}
	}
	if len(fields) > 0 {
		return fields[0]
	}
	analysed := make([]analysedDoc, len(docs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				analysed[i] = x.analyse(docs[i])
			}
		}(w)
	}
	wg.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range analysed {
		if err := x.logWrite(walRecord{Op: opUpsert, Doc: &docs[i]}); err != nil {
			return err
		}
		x.apply(&analysed[i])
	}
	return x.maybeMaintain()
}

// Delete removes a document.
func (x *Index) Delete(id string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, ok := x.byID[id]; !ok {
		return nil
	}
	if err := x.logWrite(walRecord{Op: opDelete, ID: id}); err != nil {
		return err
	}
	x.remove(id)
	return x.maybeMaintain()
}

// remove kills the live document with this id. Caller holds the write lock.
func (x *Index) remove(id string) {
	n, ok := x.byID[id]
	if !ok {
		return
	}
	delete(x.byID, id)
	x.alive[n/64] &^= 1 << (n % 64)
	x.live--
	x.totalLen -= uint64(x.docLen[n])
	x.deleted++
	if x.docTerms != nil {
		x.docTerms[n] = nil
	}
}

// apply indexes an analysed document. Caller holds the write lock.
func (x *Index) apply(a *analysedDoc) {
	x.remove(a.doc.ID)
	n := uint32(len(x.ids))
	scratch := x.applyScratch
	clear(scratch)
	for _, t := range a.toks {
		term := a.arena[t.off : t.off+uint32(t.n)]
		id, ok := x.termIDs[string(term)]
		if !ok {
			id = uint32(len(x.terms))
			s := string(term)
			x.termIDs[s] = id
			x.terms = append(x.terms, s)
			x.lists = append(x.lists, &postingList{})
		}
		scratch[id] += t.tf
	}
	var own []uint32
	if x.opts.KeepDocTerms {
		own = make([]uint32, 0, len(scratch))
	}
	for id, tf := range scratch {
		x.lists[id].add(n, uint8(min(tf, 255)), a.length)
		if own != nil {
			own = append(own, id)
		}
	}
	x.ids = append(x.ids, a.doc.ID)
	x.byID[a.doc.ID] = n
	if int(n/64) >= len(x.alive) {
		x.alive = append(x.alive, 0)
	}
	x.alive[n/64] |= 1 << (n % 64)
	x.docLen = append(x.docLen, a.length)
	x.meta = append(x.meta, x.makeMeta(a.doc))
	if x.opts.KeepDocTerms {
		for len(x.docTerms) < int(n) {
			x.docTerms = append(x.docTerms, nil)
		}
		x.docTerms = append(x.docTerms, own)
	}
	x.live++
	x.totalLen += uint64(a.length)
}

func (x *Index) isAlive(n uint32) bool { return x.alive[n/64]&(1<<(n%64)) != 0 }

func (x *Index) makeMeta(d Doc) docMeta {
	f := d.Features
	m := docMeta{trl: uint8(f.TRL), ipcStart: uint32(len(x.ipcArena))}
	switch d.Kind {
	case "achievement":
		m.kind = 1
		m.priceLo, m.priceHi = f.PriceFen, f.PriceFen
	case "need":
		m.kind = 2
		m.priceLo, m.priceHi = f.BudgetMinFen, f.BudgetMaxFen
	}
	m.fields = fieldBits(f.Fields)
	m.modes = modeBits(f.TransferModes)
	m.region = regionNumber(f.Region)
	for _, c := range f.IPC {
		if m.ipcN == 255 {
			break
		}
		x.ipcArena = append(x.ipcArena, normaliseIPC(c))
		m.ipcN++
	}
	return m
}

func fieldBits(codes []string) uint16 {
	var b uint16
	for _, c := range codes {
		for i, f := range domain.TechFields {
			if f.Code == c {
				b |= 1 << i
			}
		}
	}
	return b
}

func modeBits(codes []string) uint8 {
	var b uint8
	for _, c := range codes {
		for i, m := range domain.TransferModes {
			if m.Code == c {
				b |= 1 << i
			}
		}
	}
	return b
}

func regionNumber(code string) uint32 {
	if len(code) != 6 {
		return 0
	}
	var n uint32
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0
		}
		n = n*10 + uint32(code[i]-'0')
	}
	return n
}

// maybeMaintain compacts away deleted documents when they make up a quarter of
// the index, and snapshots when the log is long. Caller holds the write lock.
func (x *Index) maybeMaintain() error {
	if x.deleted > 1000 && x.deleted > len(x.ids)/4 {
		x.compact()
	}
	if x.log != nil && x.log.records >= x.opts.SnapshotEvery {
		return x.snapshotLocked()
	}
	return nil
}

// compact renumbers the live documents densely and rewrites every posting
// list without the dead ones. It runs under the write lock; at a quarter of
// the index deleted it is rare, and it takes about a second per million
// documents.
func (x *Index) compact() {
	renum := make([]uint32, len(x.ids))
	var ids []string
	var docLen []uint32
	var meta []docMeta
	var docTerms [][]uint32
	alive := make([]uint64, (x.live+63)/64)
	for n := range x.ids {
		if !x.isAlive(uint32(n)) {
			renum[n] = endDoc
			continue
		}
		m := uint32(len(ids))
		renum[n] = m
		ids = append(ids, x.ids[n])
		docLen = append(docLen, x.docLen[n])
		meta = append(meta, x.meta[n])
		if x.docTerms != nil {
			docTerms = append(docTerms, x.docTerms[n])
		}
		alive[m/64] |= 1 << (m % 64)
	}
	var c cursor
	for i, p := range x.lists {
		np := &postingList{}
		for c.reset(p); c.doc != endDoc; c.next() {
			if r := renum[c.doc]; r != endDoc {
				np.add(r, c.tf(), x.docLen[c.doc])
			}
		}
		x.lists[i] = np
	}
	x.ids, x.docLen, x.meta, x.alive, x.docTerms = ids, docLen, meta, alive, docTerms
	for id, n := range x.byID {
		x.byID[id] = renum[n]
	}
	x.deleted = 0
}

// Stats describes the index for operators and benchmarks.
type Stats struct {
	Docs          int   `json:"docs"`
	DeletedSlots  int   `json:"deleted_slots"`
	Terms         int   `json:"terms"`
	Postings      int64 `json:"postings"`
	PostingsBytes int64 `json:"postings_bytes"`
}

// Stats returns the current sizes.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := Stats{Docs: x.live, DeletedSlots: x.deleted, Terms: len(x.terms)}
	for _, p := range x.lists {
		s.Postings += int64(p.count)
		s.PostingsBytes += int64(p.sizeBytes())
	}
	return s
}
