package search

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Persistence: the data directory holds index.snap, a binary image of the
// whole index, and index.log, one JSON line per write since that image. Every
// write is appended to the log (and handed to the OS) before it is applied, so
// a crashed process loses nothing the OS kept; a snapshot is written on Close
// and every SnapshotEvery writes, then the log is truncated. Opening loads the
// image and replays the log.
//
// The platform database stays the source of truth: if the image is missing,
// damaged or was written by a different analyzer, New fails with ErrRebuild
// and the caller re-indexes from the database.

const (
	snapName    = "index.snap"
	logName     = "index.log"
	snapMagic   = "TMSEARCH"
	snapVersion = 2 // 2: per-block shortest document length
)

// ErrRebuild means the persisted index cannot be used and must be rebuilt
// from the source listings.
var ErrRebuild = errors.New("search: persisted index unusable, rebuild it")

type walRecord struct {
	Op  string `json:"op"`
	ID  string `json:"id,omitempty"`
	Doc *Doc   `json:"doc,omitempty"`
}

const (
	opUpsert = "upsert"
	opDelete = "delete"
)

type appendLog struct {
	f       *os.File
	w       *bufio.Writer
	records int
}

func (x *Index) openDir() error {
	if err := os.MkdirAll(x.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("search: create data dir: %w", err)
	}
	if err := x.loadSnapshot(filepath.Join(x.opts.Dir, snapName)); err != nil {
		return err
	}
	logPath := filepath.Join(x.opts.Dir, logName)
	replayed, err := x.replayLog(logPath)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("search: open log: %w", err)
	}
	x.log = &appendLog{f: f, w: bufio.NewWriter(f), records: replayed}
	return nil
}

// logWrite appends a record. Caller holds the write lock.
func (x *Index) logWrite(r walRecord) error {
	if x.log == nil {
		return nil
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("search: encode log record: %w", err)
	}
	x.log.w.Write(line)
	x.log.w.WriteByte('\n')
	if err := x.log.w.Flush(); err != nil {
		return fmt.Errorf("search: append to log: %w", err)
	}
	x.log.records++
	return nil
}

func (x *Index) replayLog(path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("search: open log: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	n := 0
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			var rec walRecord
			if jerr := json.Unmarshal(line, &rec); jerr != nil {
				return n, fmt.Errorf("search: log record %d: %w", n+1, jerr)
			}
			switch {
			case rec.Op == opUpsert && rec.Doc != nil:
				a := x.analyse(*rec.Doc)
				x.apply(&a)
			case rec.Op == opDelete:
				x.remove(rec.ID)
			default:
				return n, fmt.Errorf("search: log record %d: unknown op %q", n+1, rec.Op)
			}
			n++
		}
		// A last line without newline is a write torn by a crash: ignore it.
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("search: read log: %w", err)
		}
	}
}

// Snapshot writes the index image and truncates the log.
func (x *Index) Snapshot() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.snapshotLocked()
}

// Close snapshots and closes the log. The index stays usable in memory.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.log == nil {
		return nil
	}
	err := x.snapshotLocked()
	if cerr := x.log.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("search: close log: %w", cerr)
	}
	x.log = nil
	return err
}

func (x *Index) snapshotLocked() error {
	if x.opts.Dir == "" {
		return nil
	}
	path := filepath.Join(x.opts.Dir, snapName)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("search: create snapshot: %w", err)
	}
	w := &snapWriter{w: bufio.NewWriterSize(f, 1<<20)}
	x.writeSnapshot(w)
	if w.err == nil {
		w.err = w.w.Flush()
	}
	if w.err == nil {
		w.err = f.Sync()
	}
	if cerr := f.Close(); w.err == nil {
		w.err = cerr
	}
	if w.err != nil {
		os.Remove(tmp)
		return fmt.Errorf("search: write snapshot: %w", w.err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("search: install snapshot: %w", err)
	}
	if x.log != nil {
		if err := x.log.f.Truncate(0); err != nil {
			return fmt.Errorf("search: truncate log: %w", err)
		}
		x.log.records = 0
	}
	return nil
}

func (x *Index) writeSnapshot(w *snapWriter) {
	w.bytes([]byte(snapMagic))
	w.uint(snapVersion)
	w.uint(x.an.Fingerprint())
	w.uint(uint64(x.scoring.TitleWeight))
	w.uint(uint64(len(x.terms)))
	for i, t := range x.terms {
		p := x.lists[i]
		w.bytes([]byte(t))
		w.u32s(p.blockLast)
		w.u32s(p.blockOff)
		w.bytes(p.blockMaxTF)
		w.u32s(p.blockMinLen)
		w.bytes(p.data)
		w.u32s(p.tailDocs)
		w.bytes(p.tailTFs)
		w.uint(uint64(p.count))
		w.uint(uint64(p.maxTF))
		w.uint(uint64(p.minLen))
	}
	w.uint(uint64(len(x.ids)))
	for n, id := range x.ids {
		w.bytes([]byte(id))
		m := &x.meta[n]
		w.uint(uint64(x.docLen[n]))
		w.uint(uint64(m.kind))
		w.uint(uint64(m.trl))
		w.uint(uint64(m.modes))
		w.uint(uint64(m.fields))
		w.uint(uint64(m.ipcN))
		w.uint(uint64(m.ipcStart))
		w.uint(uint64(m.region))
		w.uint(uint64(m.priceLo))
		w.uint(uint64(m.priceHi))
		if x.docTerms != nil {
			w.u32s(x.docTerms[n])
		} else {
			w.u32s(nil)
		}
	}
	w.u64s(x.alive)
	w.uint(uint64(len(x.ipcArena)))
	for _, s := range x.ipcArena {
		w.bytes([]byte(s))
	}
	w.uint(uint64(x.live))
	w.uint(x.totalLen)
	w.uint(uint64(x.deleted))
}

func (x *Index) loadSnapshot(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("search: open snapshot: %w", err)
	}
	defer f.Close()
	r := &snapReader{r: bufio.NewReaderSize(f, 1<<20)}
	if string(r.bytes()) != snapMagic || r.uint() != snapVersion {
		return fmt.Errorf("%w: %s is not a version %d snapshot", ErrRebuild, path, snapVersion)
	}
	if r.uint() != x.an.Fingerprint() || r.uint() != uint64(x.scoring.TitleWeight) {
		return fmt.Errorf("%w: %s was built with another analyzer or title weight", ErrRebuild, path)
	}
	nTerms := int(r.uint())
	for i := 0; i < nTerms && r.err == nil; i++ {
		t := string(r.bytes())
		b := &blocks{blockLast: r.u32s(), blockOff: r.u32s(), blockMaxTF: r.bytes(), blockMinLen: r.u32s(), data: r.bytes()}
		if len(b.blockLast) == 0 && len(b.blockOff) == 0 && len(b.data) == 0 {
			b = &noBlocks
		}
		p := &postingList{blocks: b, tailDocs: r.u32s(), tailTFs: r.bytes()}
		p.count = int(r.uint())
		p.maxTF = uint8(r.uint())
		p.minLen = uint32(r.uint())
		x.termIDs[t] = uint32(len(x.terms))
		x.terms = append(x.terms, t)
		x.lists = append(x.lists, p)
	}
	nDocs := int(r.uint())
	for n := 0; n < nDocs && r.err == nil; n++ {
		x.ids = append(x.ids, string(r.bytes()))
		x.docLen = append(x.docLen, uint32(r.uint()))
		m := docMeta{
			kind: uint8(r.uint()), trl: uint8(r.uint()), modes: uint8(r.uint()), fields: uint16(r.uint()),
			ipcN: uint8(r.uint()), ipcStart: uint32(r.uint()), region: uint32(r.uint()),
			priceLo: int64(r.uint()), priceHi: int64(r.uint()),
		}
		x.meta = append(x.meta, m)
		terms := r.u32s()
		if x.opts.KeepDocTerms {
			x.docTerms = append(x.docTerms, terms)
		}
	}
	x.alive = r.u64s()
	nIPC := int(r.uint())
	for i := 0; i < nIPC && r.err == nil; i++ {
		x.ipcArena = append(x.ipcArena, string(r.bytes()))
	}
	x.live = int(r.uint())
	x.totalLen = r.uint()
	x.deleted = int(r.uint())
	if r.err != nil {
		x.reset()
		return fmt.Errorf("%w: read %s: %v", ErrRebuild, path, r.err)
	}
	for _, p := range x.lists {
		for _, d := range p.tailDocs {
			if int(d) >= len(x.docLen) {
				x.reset()
				return fmt.Errorf("%w: %s: posting for document %d of %d", ErrRebuild, path, d, len(x.docLen))
			}
		}
		p.recomputeTailStats(x.docLen)
	}
	for n, id := range x.ids {
		if x.isAlive(uint32(n)) {
			x.byID[id] = uint32(n)
		}
	}
	return nil
}

// snapWriter writes varints and length-prefixed slices, remembering the first
// error.
type snapWriter struct {
	w   *bufio.Writer
	err error
	buf [binary.MaxVarintLen64]byte
}

func (w *snapWriter) uint(v uint64) {
	if w.err == nil {
		_, w.err = w.w.Write(binary.AppendUvarint(w.buf[:0], v))
	}
}

func (w *snapWriter) bytes(b []byte) {
	w.uint(uint64(len(b)))
	if w.err == nil {
		_, w.err = w.w.Write(b)
	}
}

func (w *snapWriter) u32s(v []uint32) {
	w.uint(uint64(len(v)))
	var b [4]byte
	for _, x := range v {
		if w.err != nil {
			return
		}
		binary.LittleEndian.PutUint32(b[:], x)
		_, w.err = w.w.Write(b[:])
	}
}

func (w *snapWriter) u64s(v []uint64) {
	w.uint(uint64(len(v)))
	var b [8]byte
	for _, x := range v {
		if w.err != nil {
			return
		}
		binary.LittleEndian.PutUint64(b[:], x)
		_, w.err = w.w.Write(b[:])
	}
}

type snapReader struct {
	r   *bufio.Reader
	err error
}

// maxSnapSlice guards against absurd lengths in a damaged file.
const maxSnapSlice = 1 << 34

func (r *snapReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(r.r)
	r.err = err
	return v
}

func (r *snapReader) length(unit uint64) int {
	n := r.uint()
	if r.err == nil && n*unit > maxSnapSlice {
		r.err = fmt.Errorf("slice length %d out of range", n)
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}

func (r *snapReader) bytes() []byte {
	n := r.length(1)
	if n == 0 {
		return nil
	}
	b := make([]byte, n)
	_, r.err = io.ReadFull(r.r, b)
	return b
}

func (r *snapReader) u32s() []uint32 {
	n := r.length(4)
	if n == 0 {
		return nil
	}
	raw := make([]byte, 4*n)
	if _, r.err = io.ReadFull(r.r, raw); r.err != nil {
		return nil
	}
	v := make([]uint32, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return v
}

func (r *snapReader) u64s() []uint64 {
	n := r.length(8)
	if n == 0 {
		return nil
	}
	raw := make([]byte, 8*n)
	if _, r.err = io.ReadFull(r.r, raw); r.err != nil {
		return nil
	}
	v := make([]uint64, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(raw[8*i:])
	}
	return v
}
