package matching

import (
	"strconv"
	"sync"
)

// hitCache keeps the ranked ids of recent search-box queries. Paging through
// a result (pages 1, 2, 3 … of the same words) and popular queries then cost
// a map lookup instead of ranking up to 1,000 hits again. Any change to the
// index starts a new generation, so a cached answer is never staler than the
// index itself.
type hitCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string][]string
}

// hitCacheSize bounds the cache: 512 × up to 1,000 ids ≈ 20 MB at most.
const hitCacheSize = 512

func hitKey(text, kind, field, province string, limit int) string {
	return strconv.Itoa(limit) + "\x00" + kind + "\x00" + field + "\x00" + province + "\x00" + text
}

// get returns the cached ids for key in the current generation.
func (c *hitCache) get(key string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ids, ok := c.entries[key]
	return ids, ok
}

// put stores ids computed in generation gen, unless the index has changed
// since: a slow query must not cache an answer from before a write.
func (c *hitCache) put(gen uint64, key string, ids []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.entries == nil || len(c.entries) >= hitCacheSize {
		c.entries = make(map[string][]string, hitCacheSize)
	}
	c.entries[key] = ids
}

// generation is read before a query runs, for put.
func (c *hitCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// invalidate starts a new generation; called after every index write.
func (c *hitCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.entries = nil
	c.mu.Unlock()
}
