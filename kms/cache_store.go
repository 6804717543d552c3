package kms

import (
	"hash/maphash"
	"maps"
	"math"
	"math/rand/v2"
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

// outputBox holds a copy of an output and room for its VersionStages, so a
// copy is one allocation when the version carries at most len(stages)
// stages.
type outputBox struct {
	out    GetSecretValueOutput
	stages [3]string
}

// cloneOutput returns a deep copy of o: strings are immutable, and the
// slice gets its own backing array (in the box, which is the caller's)
// and the map, when there is one, its own copy.
func cloneOutput(o *GetSecretValueOutput) *GetSecretValueOutput {
	b := &outputBox{out: *o}
	switch n := len(o.VersionStages); {
	case o.VersionStages == nil:
	case n <= len(b.stages):
		copy(b.stages[:], o.VersionStages)
		b.out.VersionStages = b.stages[:n]
	default:
		b.out.VersionStages = append([]string(nil), o.VersionStages...)
	}
	// Unparsed is nil unless the service sent a field in an unknown layout;
	// then the caller gets its own map too.
	b.out.Unparsed = maps.Clone(o.Unparsed)
	return &b.out
}

// cacheCounters count events. Hits and stale serves happen on every core
// at once, so they go to one of several padded stripes picked at random
// instead of one contended word.
type cacheCounters struct {
	stripes                            [8]counterStripe
	misses, fetches, errors, evictions atomic.Int64
}

type counterStripe struct {
	hits, stale atomic.Int64
	_           [112]byte // two cache lines per stripe: no false sharing, even with adjacent-line prefetch
}

func (s *cacheCounters) hit(stale bool) {
	st := &s.stripes[rand.Uint32()%uint32(len(s.stripes))]
	if stale {
		st.stale.Add(1)
	} else {
		st.hits.Add(1)
	}
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
