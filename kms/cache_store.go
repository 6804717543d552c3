package kms

import (
	"hash/maphash"
	"maps"
	"math"
	"sync"
	"sync/atomic"
)

// The map of entries is split in shards, each an immutable map swapped
// whole on a change (under Cache.mu): a hit reads it without a lock or a
// write, so hits scale with cores; an insertion copies one shard only.
const cacheShards = 16

type shard struct{ m map[cacheKey]*entry }

func (c *Cache) shardOf(name string) *atomic.Pointer[shard] {
	return &c.shards[maphash.String(c.seed, name)%cacheShards]
}

func (c *Cache) lookup(key cacheKey) *entry { return c.shardOf(key.name).Load().m[key] }

// touch marks e used in the current epoch. It writes only on the first use
// after an insertion, so a hot entry's memory stays shared between cores.
func (c *Cache) touch(e *entry) {
	if ep := c.epoch.Load(); e.used.Load() != ep {
		e.used.Store(ep)
	}
}

// acquire returns key's entry, inserting it (and evicting beyond
// MaxEntries) if needed; c.mu is held.
func (c *Cache) acquire(key cacheKey) *entry {
	sh := c.shardOf(key.name)
	old := sh.Load().m
	if e := old[key]; e != nil {
		return e
	}
	m := maps.Clone(old)
	if m == nil {
		m = map[cacheKey]*entry{}
	}
	e := &entry{key: key}
	// The newcomer is more recent than all before it and less than any
	// entry used after it: the epoch moves by two.
	e.used.Store(c.epoch.Add(2) - 1)
	m[key] = e
	sh.Store(&shard{m})
	c.n++
	for c.n > c.opts.MaxEntries {
		c.remove(c.leastRecent(e))
		c.stats.evictions.Add(1)
	}
	return e
}

// leastRecent returns the entry used longest ago other than keep; c.mu is
// held. O(entries), paid only by an insertion into a full cache.
func (c *Cache) leastRecent(keep *entry) *entry {
	var oldest *entry
	least := uint64(math.MaxUint64)
	for i := range c.shards {
		for _, e := range c.shards[i].Load().m {
			if u := e.used.Load(); e != keep && u < least {
				oldest, least = e, u
			}
		}
	}
	return oldest
}

// removeName drops the entries of name, all but stage keep ("" keeps
// none); c.mu is held.
func (c *Cache) removeName(name, keep string) {
	for _, e := range c.shardOf(name).Load().m {
		if e.key.name == name && e.key.stage != keep {
			c.remove(e)
		}
	}
}

// remove drops e; c.mu is held. A fetch still running for it ends
// normally but what it stores is no longer found.
func (c *Cache) remove(e *entry) {
	sh := c.shardOf(e.key.name)
	old := sh.Load().m
	m := maps.Clone(old)
	delete(m, e.key) // e is the entry under its key: callers found it in the map
	sh.Store(&shard{m})
	e.removed = true
	c.n--
}

// cacheCounters count events. Hits and stale serves happen on every core
// at once, so each goes to one of several stripes on cache lines of their
// own, and a core keeps to one stripe: a token from a sync.Pool (which
// keeps a free item per P) names the stripe, so a stripe's line stays in
// one core's cache instead of moving between cores on every hit. A token
// the pool drops (at a GC) is replaced by one naming the next stripe: no
// count is lost, since counts live in the stripes, and two cores that end
// up on one stripe still add atomically.
type cacheCounters struct {
	_         [64]byte // off the cache line of the fields before, which hits read
	stripes   [counterStripes]counterStripe
	tokens    sync.Pool // *stripeToken
	nextTok   atomic.Uint32
	misses    atomic.Int64
	fetches   atomic.Int64
	errors    atomic.Int64
	evictions atomic.Int64
}

const counterStripes = 8

type stripeToken struct{ i uint32 }

type counterStripe struct {
	hits, stale atomic.Int64
	_           [112]byte // two cache lines per stripe: no false sharing, even with adjacent-line prefetch
}

// init makes each new token name the next stripe.
func (s *cacheCounters) init() {
	s.tokens.New = func() any { return &stripeToken{s.nextTok.Add(1) % counterStripes} }
}

func (s *cacheCounters) hit(stale bool) {
	t := s.tokens.Get().(*stripeToken)
	st := &s.stripes[t.i]
	if stale {
		st.stale.Add(1)
	} else {
		st.hits.Add(1)
	}
	s.tokens.Put(t)
}

func (s *cacheCounters) hot() (hits, stale int64) {
	for i := range s.stripes {
		hits += s.stripes[i].hits.Load()
		stale += s.stripes[i].stale.Load()
	}
	return hits, stale
}

// CacheStats counts what a Cache did since it was built.
type CacheStats struct {
	Hits      int64 // served from memory within the TTL (including cached not-found)
	Misses    int64 // callers who waited for a fetch
	Fetches   int64 // requests to KMS (a foreground one may retry inside the client)
	Errors    int64 // fetches that failed (not counting not-found)
	Stale     int64 // values served past expiry under MaxStale
	Evictions int64 // entries dropped for MaxEntries
	Entries   int   // entries held now
}

// Stats returns the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	n := c.n
	c.mu.Unlock()
	hits, stale := c.stats.hot()
	return CacheStats{Hits: hits, Misses: c.stats.misses.Load(), Fetches: c.stats.fetches.Load(),
		Errors: c.stats.errors.Load(), Stale: stale, Evictions: c.stats.evictions.Load(), Entries: n}
}
