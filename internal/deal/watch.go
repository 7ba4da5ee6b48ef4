package deal

import "sync"

// Watching sales: the live auction page holds a server-sent-events stream per
// viewer and wants to know, without polling the database, that a bid was
// committed or the sale closed. The hub is in-process and best-effort: a
// signal only says "read the sale again", never carries state, so a missed or
// merged signal costs at most a stale second; watchers on other nodes (and bids
// placed on them) are caught by the watcher's own periodic re-read.

// maxSaleWatchers bounds the channels held across all sales, so that a flood of
// event streams cannot grow memory without limit; beyond it WatchSale returns a
// nil channel and the watcher relies on its periodic re-read.
const maxSaleWatchers = 10000

type saleHub struct {
	mu    sync.Mutex
	n     int
	watch map[string]map[chan struct{}]struct{}
}

// sales is shared by every Service in the process; sale IDs are UUIDs, so two
// services (as in tests) never see each other's signals.
var sales = &saleHub{watch: map[string]map[chan struct{}]struct{}{}}

// WatchSale returns a channel that receives a value after a bid on the sale is
// committed or the sale is closed or cancelled, and a function that stops the
// watch (call it exactly once). Signals coalesce: the channel holds at most one.
// The channel is nil when too many watches are open.
func (s *Service) WatchSale(saleID string) (<-chan struct{}, func()) {
	h := sales
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n >= maxSaleWatchers {
		return nil, func() {}
	}
	ch := make(chan struct{}, 1)
	set := h.watch[saleID]
	if set == nil {
		set = map[chan struct{}]struct{}{}
		h.watch[saleID] = set
	}
	set[ch] = struct{}{}
	h.n++
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(set, ch)
			h.n--
			if len(h.watch[saleID]) == 0 {
				delete(h.watch, saleID)
			}
		})
	}
}

// saleChanged wakes the watchers of a sale. It never blocks: a watcher that has
// a signal pending already knows it must re-read.
func (s *Service) saleChanged(saleID string) {
	h := sales
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.watch[saleID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
