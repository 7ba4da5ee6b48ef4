package search

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Persist starts keeping an in-memory index in dir, as if it had been opened
// with Options.Dir: it writes the image now and logs every later write. A bulk
// build runs faster in memory (no log record per document, no snapshot every
// SnapshotEvery documents) and is saved this way once it is complete.
func (x *Index) Persist(dir string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.log != nil {
		return fmt.Errorf("search: index already kept in %s", x.opts.Dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("search: create data dir: %w", err)
	}
	// A log left by an earlier index would be replayed over this image and
	// bring back older versions of documents: remove it before the image exists.
	logPath := filepath.Join(dir, logName)
	if err := os.Remove(logPath); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("search: remove old log: %w", err)
	}
	x.opts.Dir = dir
	if err := x.snapshotLocked(); err != nil {
		x.opts.Dir = ""
		return err
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		x.opts.Dir = ""
		return fmt.Errorf("search: open log: %w", err)
	}
	x.log = &appendLog{f: f, w: bufio.NewWriter(f)}
	return nil
}
