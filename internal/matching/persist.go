package matching

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/techmarket-org/techmarket/internal/search"
	"github.com/techmarket-org/techmarket/internal/textproc"
)

// The listing index survives a restart: with an index directory, the engine
// keeps its image and append log there (internal/search persistence), and a
// small state file records the watermark — every listing change stamped
// before it is in the saved index. A restart loads the image, replays the log
// and reads from the database only the listings changed since the watermark
// (less a margin for transactions that committed late), instead of every
// published listing. Anything unusable — no state file, an image from another
// analyzer, a damaged file — means a full rebuild from the database, which
// stays the source of truth.

const (
	stateName = "matching-state.json"
	// catchUpMargin covers a listing change stamped before the watermark whose
	// transaction committed after it.
	catchUpMargin = 10 * time.Minute
)

type indexState struct {
	Watermark time.Time `json:"watermark"`
}

// openIndex returns the listing engine: loaded from dir with the watermark to
// catch up from, or empty (in memory until the first build is persisted).
func (s *Service) openIndex(an *textproc.Analyzer) (*search.Index, *time.Time, error) {
	opts := search.Options{KeepDocTerms: true, Analyzer: an}
	if s.dir == "" {
		engine, err := search.New(opts)
		return engine, nil, err
	}
	st, err := readState(s.dir)
	if err == nil {
		opts.Dir = s.dir
		engine, lerr := search.New(opts)
		if lerr == nil {
			return engine, &st.Watermark, nil
		}
		s.log.Warn("saved search index unusable; rebuilding from the database", "dir", s.dir, "err", lerr)
	} else if !errors.Is(err, os.ErrNotExist) {
		s.log.Warn("search index state unreadable; rebuilding from the database", "dir", s.dir, "err", err)
	}
	// From here until a build is saved, a crash must lead to a full rebuild.
	if err := os.Remove(filepath.Join(s.dir, stateName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.log.Error("search index directory unusable; keeping the index in memory only", "dir", s.dir, "err", err)
		s.dir = ""
	}
	opts.Dir = ""
	engine, err := search.New(opts)
	return engine, nil, err
}

// saveIndex is called after a successful build: an index built in memory is
// written to the directory, and the watermark recorded.
func (s *Service) saveIndex(watermark time.Time) error {
	if s.dir == "" {
		return nil
	}
	if !s.persisted {
		if err := s.engine.Persist(s.dir); err != nil {
			return err
		}
		s.persisted = true
	}
	return writeState(s.dir, watermark)
}

// closeIndex writes the final image at shutdown and moves the watermark to
// now; an index that never finished building leaves no state behind.
func (s *Service) closeIndex() error {
	if s.dir == "" || !s.persisted {
		return nil
	}
	now := time.Now().UTC()
	if err := s.engine.Close(); err != nil {
		os.Remove(filepath.Join(s.dir, stateName))
		return fmt.Errorf("matching: save index: %w", err)
	}
	return writeState(s.dir, now)
}

func readState(dir string) (indexState, error) {
	var st indexState
	b, err := os.ReadFile(filepath.Join(dir, stateName))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil || st.Watermark.IsZero() {
		return st, fmt.Errorf("matching: bad index state file: %v", err)
	}
	return st, nil
}

// writeState replaces the state file atomically (write, sync, rename).
func writeState(dir string, watermark time.Time) error {
	b, _ := json.Marshal(indexState{Watermark: watermark.UTC()})
	path := filepath.Join(dir, stateName)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("matching: write index state: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("matching: write index state: %w", err)
	}
	return nil
}
