package search

import (
	"fmt"
	"hash/maphash"
	"runtime"
	"slices"
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

	listSlab []postingList // guarded by mu (write); see newList

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
}

// analysedDoc is a document after text analysis, ready to be applied under the
// write lock: its distinct terms with their summed weighted frequencies.
type analysedDoc struct {
	doc    Doc
	arena  []byte
	toks   []tokRef
	ids    []uint32 // term id per toks entry, noTerm until resolved
	length uint32
	num    uint32 // document number, assigned when applied
}

type tokRef struct {
	off uint32
	n   uint16
	tf  uint16 // summed weight of the term's occurrences (TitleWeight per title token)
}

// noTerm marks a term not (yet) in the dictionary.
const noTerm = ^uint32(0)

func (a *analysedDoc) term(i int) []byte {
	t := a.toks[i]
	return a.arena[t.off : t.off+uint32(t.n)]
}

// dedup finds a term already seen in the document being analysed: an open
// addressing table of indexes into the document's distinct terms. Counting
// here, on the analysing cores, leaves the serial part of a build one
// dictionary lookup per distinct term instead of one per occurrence.
type dedup struct {
	slots []int32 // index+1 into toks; 0 is empty
	used  int
	// The document's terms are gathered here and copied out at their final
	// size: growing per-document slices from zero was a tenth of build time.
	toks  []tokRef
	arena []byte
}

var dedupPool = sync.Pool{New: func() any { return &dedup{slots: make([]int32, 256)} }}

var dedupSeed = maphash.MakeSeed()

func (x *Index) analyse(d Doc) analysedDoc {
	dd := dedupPool.Get().(*dedup)
	a := analysedDoc{doc: d, toks: dd.toks[:0], arena: dd.arena[:0]}
	add := func(text string, weight uint16) {
		x.an.Visit(text, func(term []byte, kind textproc.TokenKind, _, _ int) {
			if kind == textproc.KindWord || kind == textproc.KindLatin {
				a.length += uint32(weight)
			}
			mask := uint64(len(dd.slots) - 1)
			for i := maphash.Bytes(dedupSeed, term) & mask; ; i = (i + 1) & mask {
				v := dd.slots[i]
				if v == 0 {
					dd.slots[i] = int32(len(a.toks) + 1)
					a.toks = append(a.toks, tokRef{off: uint32(len(a.arena)), n: uint16(len(term)), tf: weight})
					a.arena = append(a.arena, term...)
					dd.used++
					if 2*dd.used > len(dd.slots) {
						dd.grow(&a)
					}
					return
				}
				if t := &a.toks[v-1]; string(a.arena[t.off:t.off+uint32(t.n)]) == string(term) {
					t.tf = uint16(min(int(t.tf)+int(weight), 0xffff))
					return
				}
			}
		})
	}
	add(d.Title, uint16(x.scoring.TitleWeight))
	add(d.Body, 1)
	if len(dd.slots) > 1<<16 {
		dd.slots = make([]int32, 256) // one huge document: do not clear its table for every later one
	} else {
		clear(dd.slots)
	}
	dd.used = 0
	dd.toks, dd.arena = a.toks, a.arena
	a.toks, a.arena = slices.Clone(a.toks), slices.Clone(a.arena)
	dedupPool.Put(dd)
	a.ids = make([]uint32, len(a.toks))
	for i := range a.ids {
		a.ids[i] = noTerm
	}
	return a
}

// grow doubles the table and re-inserts the document's terms.
func (dd *dedup) grow(a *analysedDoc) {
	dd.slots = make([]int32, 2*len(dd.slots))
	mask := uint64(len(dd.slots) - 1)
	for k := range a.toks {
		i := maphash.Bytes(dedupSeed, a.term(k)) & mask
		for dd.slots[i] != 0 {
			i = (i + 1) & mask
		}
		dd.slots[i] = int32(k + 1)
	}
}

// resolve looks up the ids of the terms already in the dictionary. Caller
// holds the read or the write lock.
func (x *Index) resolve(a *analysedDoc) {
	for i := range a.toks {
		if a.ids[i] == noTerm {
			if id, ok := x.termIDs[string(a.term(i))]; ok {
				a.ids[i] = id
			}
		}
	}
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

// UpsertMany adds or replaces documents. It is the bulk path for rebuilds:
// the documents are analysed on all cores, their terms looked up in the
// dictionary under the read lock (searches go on), and their postings appended
// under the write lock by one goroutine per core, each owning a share of the
// terms, so no posting list is touched by two goroutines. Documents are
// applied in order.
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
	parallel(workers, func(w int) {
		for i := w; i < len(docs); i += workers {
			analysed[i] = x.analyse(docs[i])
			// The read lock is taken per document so that a waiting writer
			// is not held up for a whole batch.
			x.mu.RLock()
			x.resolve(&analysed[i])
			x.mu.RUnlock()
		}
	})
	x.mu.Lock()
	defer x.mu.Unlock()
	var logErr error
	for i := range analysed {
		if err := x.logWrite(walRecord{Op: opUpsert, Doc: &docs[i]}); err != nil {
			analysed, logErr = analysed[:i], err
			break
		}
	}
	for i := range analysed {
		x.applyDoc(&analysed[i])
	}
	parallel(workers, func(w int) {
		for i := range analysed {
			a := &analysed[i]
			for k, id := range a.ids {
				if int(id)%workers == w {
					x.lists[id].add(a.num, uint8(min(a.toks[k].tf, 255)), a.length)
				}
			}
		}
	})
	if logErr != nil {
		return logErr
	}
	return x.maybeMaintain()
}

// parallel runs fn(0) … fn(workers-1) concurrently and waits for them.
func parallel(workers int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			fn(w)
		}(w)
	}
	wg.Wait()
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
	x.resolve(a)
	x.applyDoc(a)
	for k, id := range a.ids {
		x.lists[id].add(a.num, uint8(min(a.toks[k].tf, 255)), a.length)
	}
}

// applyDoc gives an analysed document its number and its terms their ids
// (creating the terms new to the dictionary) and records everything but the
// postings, which the caller appends. Caller holds the write lock.
func (x *Index) applyDoc(a *analysedDoc) {
	x.remove(a.doc.ID)
	n := uint32(len(x.ids))
	a.num = n
	for k, id := range a.ids {
		if id != noTerm {
			continue
		}
		// Looked up again: an earlier document of the batch, or another
		// writer since the read-locked lookup, may have added it.
		term := a.term(k)
		id, ok := x.termIDs[string(term)]
		if !ok {
			id = uint32(len(x.terms))
			s := string(term)
			x.termIDs[s] = id
			x.terms = append(x.terms, s)
			x.lists = append(x.lists, x.newList())
		}
		a.ids[k] = id
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
		x.docTerms = append(x.docTerms, slices.Clone(a.ids))
	}
	x.live++
	x.totalLen += uint64(a.length)
}

// newList returns an empty posting list. Lists are carved out of slabs: most
// terms (character bigrams above all) occur in a handful of documents, and
// one allocation per term was a large share of build time.
func (x *Index) newList() *postingList {
	if len(x.listSlab) == 0 {
		x.listSlab = make([]postingList, 1024)
	}
	p := &x.listSlab[0]
	x.listSlab = x.listSlab[1:]
	*p = emptyList()
	return p
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
		np := new(postingList)
		*np = emptyList()
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
