package matching

import (
	"context"
	"sync"
	"time"

	"github.com/techmarket-org/techmarket/internal/listing"
)

// Several servers on one database each keep their own listing index. A
// change made through one server reaches that server's index at once (the
// listing service's change hook, Apply); the others learn of it by following
// the listings table: every interval they read the listings whose updated_at
// falls in the last followOverlap and apply those they have not applied in
// that version yet. The overlap covers a transaction that commits a little
// after the time it stamped (and clock differences between servers); a change
// older than that when it commits is caught by the next restart's catch-up.
// Following only updates the indexes: saved-need alerts are raised by the
// server that made the change (and a unique key keeps them to one).

const followOverlap = 10 * time.Second

type follower struct {
	stop, done chan struct{}
	once       sync.Once

	mu   sync.Mutex
	seen map[string]time.Time // listing id → updated_at applied, pruned past the overlap
}

// Follow starts following changes made through other servers, reading every
// interval, until Close. It is idle until the first build is done.
func (s *Service) Follow(interval time.Duration) {
	f := &follower{stop: make(chan struct{}), done: make(chan struct{}), seen: map[string]time.Time{}}
	s.mu.Lock()
	if s.follow != nil {
		s.mu.Unlock()
		return
	}
	s.follow = f
	s.mu.Unlock()
	go func() {
		defer close(f.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-f.stop:
				return
			case <-t.C:
			}
			if s.Status().Ready {
				if err := s.followOnce(context.Background(), f); err != nil {
					s.log.Error("follow listing changes", "err", err)
				}
			}
		}
	}()
}

// followOnce applies the listings changed within the overlap that this
// server has not applied in that version.
func (s *Service) followOnce(ctx context.Context, f *follower) error {
	since := time.Now().Add(-followOverlap)
	return s.listings.EachChangedSince(ctx, since, 500, func(items []listing.Listing) error {
		for _, l := range items {
			if f.applied(l) {
				continue
			}
			s.apply(l)
			s.needChanged(l)
		}
		f.prune(since)
		return nil
	})
}

// applied reports whether l was applied in this version already, and records
// it as applied.
func (f *follower) applied(l listing.Listing) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if at, ok := f.seen[l.ID]; ok && !l.UpdatedAt.After(at) {
		return true
	}
	f.seen[l.ID] = l.UpdatedAt
	return false
}

func (f *follower) prune(before time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, at := range f.seen {
		if at.Before(before) {
			delete(f.seen, id)
		}
	}
}

// noteApplied records a change this server applied through its hook, so that
// following does not apply it a second time.
func (s *Service) noteApplied(l listing.Listing) {
	s.mu.Lock()
	f := s.follow
	s.mu.Unlock()
	if f != nil {
		f.applied(l)
	}
}

func (s *Service) stopFollowing() {
	s.mu.Lock()
	f := s.follow
	s.mu.Unlock()
	if f != nil {
		f.once.Do(func() { close(f.stop) })
		<-f.done
	}
}
