package kms

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync/atomic"
	"time"
)

// entry is one cached name and stage. Hits read it without a lock: state
// is an immutable snapshot swapped whole under Cache.mu.
type entry struct {
	key   cacheKey
	state atomic.Pointer[entryState] // nil until the first fetch ends
	call  atomic.Pointer[fetchCall]  // the fetch running, if any; set under Cache.mu
	used  atomic.Uint64              // Cache.epoch when last used

	// Under Cache.mu:
	index    int         // position in Cache.all; -1 once dropped
	failures int         // failed fetches in a row
	timer    func() bool // stops the RefreshInterval timer; nil if none
}

// entryState is what an entry holds; never changed once published.
type entryState struct {
	out        *GetSecretValueOutput // the value, never handed out (callers get copies); nil if none
	notFound   error                 // cached ErrSecretNotFound, served until expires
	expires    time.Time             // end of the (jittered) TTL
	refreshAt  time.Time             // a hit from here on starts a background fetch
	staleUntil time.Time             // expires + MaxStale
	retryAt    time.Time             // after a failure: no background fetch before this
}

func copyOutput(o *GetSecretValueOutput) *GetSecretValueOutput {
	cp := *o
	cp.VersionStages = slices.Clone(o.VersionStages)
	cp.Unparsed = maps.Clone(o.Unparsed)
	return &cp
}

// touch marks e used now. The recency clock moves only on insertions, so a
// hot entry is written once per insertion, not once per hit: its memory
// stays shared between the cores reading it.
func (c *Cache) touch(e *entry) {
	if ep := c.epoch.Load(); e.used.Load() != ep {
		e.used.Store(ep)
	}
}

// acquire returns key's entry, inserted if need be, and those evicted to
// make room; c.mu is held.
func (c *Cache) acquire(key cacheKey) (*entry, []*entry) {
	if v, ok := c.entries.Load(key); ok {
		return v.(*entry), nil
	}
	e := &entry{key: key, index: len(c.all)}
	// The newcomer is more recent than every entry before it and less than
	// any entry used after it: the clock moves by two.
	e.used.Store(c.epoch.Add(2) - 1)
	c.all = append(c.all, e)
	c.entries.Store(key, e)
	var evicted []*entry
	for len(c.all) > c.opts.MaxEntries {
		old := c.victim(e)
		c.remove(old)
		evicted = append(evicted, old)
	}
	return e, evicted
}

const evictionDraws = 5

// victim returns the least recently used of a few random entries other than
// keep (of all, when there are few); c.mu is held.
func (c *Cache) victim(keep *entry) *entry {
	var oldest *entry
	consider := func(e *entry) {
		if e != keep && (oldest == nil || e.used.Load() < oldest.used.Load()) {
			oldest = e
		}
	}
	if len(c.all) <= evictionDraws+1 {
		for _, e := range c.all {
			consider(e)
		}
		return oldest
	}
	for range evictionDraws {
		consider(c.all[int(c.rand()*float64(len(c.all)))])
	}
	if oldest == nil { // every draw was the newcomer
		oldest = c.all[(keep.index+1)%len(c.all)]
	}
	return oldest
}

// remove drops e, moving the last entry into its place; c.mu is held. A
// fetch running for e ends, but stores nothing.
func (c *Cache) remove(e *entry) {
	last := len(c.all) - 1
	moved := c.all[last]
	c.all[e.index] = moved
	moved.index = e.index
	c.all[last] = nil
	c.all = c.all[:last]
	c.entries.Delete(e.key)
	e.index = -1
	e.stopTimer()
}

// removeName drops name's entries but stage keep; c.mu is held. Scanning
// them all is fine for Invalidate and Refresh, which are rare.
func (c *Cache) removeName(name, keep string) {
	for i := len(c.all) - 1; i >= 0; i-- {
		if e := c.all[i]; e.key.name == name && e.key.stage != keep {
			c.remove(e)
		}
	}
}

func (e *entry) stopTimer() {
	if e.timer != nil {
		e.timer()
		e.timer = nil
	}
}

// CacheObserver is told what a [Cache] does, by secret name and stage,
// never with a value, on the goroutine where it happens (see [Cache]): it
// must be safe for concurrent use and quick.
type CacheObserver interface {
	ObserveCache(e CacheEvent)
}

// CacheEvent is one thing a Cache did.
type CacheEvent struct {
	Kind  CacheEventKind
	Name  string // the secret's name
	Stage string // the version stage, "ACSCurrent" for Get
	// Err is, for CacheRefresh, the fetch's failure; nil if it fetched a value.
	Err error
	// Background is, for CacheRefresh, whether no caller waited for the fetch.
	Background bool
}

// CacheEventKind says what a CacheEvent is.
type CacheEventKind int

// The kinds of CacheEvent.
const (
	CacheHit     CacheEventKind = iota + 1 // served from memory within the TTL (a cached not-found too)
	CacheMiss                              // a caller waited for a fetch
	CacheStale                             // served past expiry, under MaxStale
	CacheRefresh                           // a fetch ended; Err is its outcome
	CacheEvict                             // an entry dropped for MaxEntries
)

var cacheEventNames = [...]string{CacheHit: "hit", CacheMiss: "miss", CacheStale: "stale", CacheRefresh: "refresh", CacheEvict: "evict"}

// String returns "hit", "miss", "stale", "refresh" or "evict", and
// "unknown" for any other value.
func (k CacheEventKind) String() string {
	if k < CacheHit || int(k) >= len(cacheEventNames) {
		return "unknown"
	}
	return cacheEventNames[k]
}

// CacheStats counts what a [Cache] did since it was built.
type CacheStats struct {
	Hits      int64 // served from memory within the TTL (including cached not-found)
	Misses    int64 // callers who waited for a fetch
	Fetches   int64 // requests to KMS (a foreground one may retry inside the client; a Preload batch counts once)
	Errors    int64 // fetches that failed (not counting not-found)
	Stale     int64 // values served past expiry under MaxStale
	Evictions int64 // entries dropped for MaxEntries
	Entries   int   // entries held now
}

// Stats returns the counters, and the entries held.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	n := len(c.all)
	c.mu.Unlock()
	return CacheStats{Hits: c.counts[CacheHit].Load(), Misses: c.counts[CacheMiss].Load(), Fetches: c.fetches.Load(),
		Errors: c.fetchErrors.Load(), Stale: c.counts[CacheStale].Load(), Evictions: c.counts[CacheEvict].Load(), Entries: n}
}

// observe counts ev and tells the Observer.
func (c *Cache) observe(ev CacheEvent) {
	c.counts[ev.Kind].Add(1)
	if c.opts.Observer != nil {
		defer c.recovered("Observer", cacheKey{ev.Name, ev.Stage})
		c.opts.Observer.ObserveCache(ev)
	}
}

func (c *Cache) observeEvicted(evicted []*entry) {
	for _, e := range evicted {
		c.observe(CacheEvent{Kind: CacheEvict, Name: e.key.name, Stage: e.key.stage})
	}
}

func (c *Cache) changed(key cacheKey, prev, cur *GetSecretValueOutput) {
	if c.opts.OnChange != nil {
		defer c.recovered("OnChange", key)
		c.opts.OnChange(key.name, key.stage, copyOutput(prev), copyOutput(cur))
	}
}

func (c *Cache) refreshFailed(key cacheKey, err error) {
	if c.opts.OnRefreshError != nil {
		defer c.recovered("OnRefreshError", key)
		c.opts.OnRefreshError(key.name, key.stage, callersError(err))
	}
}

// recovered, deferred around a callback, reports its panic, without the
// value, which may hold a secret.
func (c *Cache) recovered(callback string, key cacheKey) {
	if recover() == nil {
		return
	}
	err := fmt.Errorf("kms Cache: %s panicked for secret %q (stage %s)", callback, key.name, key.stage)
	if callback == "OnChange" && c.opts.OnRefreshError != nil {
		c.refreshFailed(key, err)
		return
	}
	logger := slog.Default()
	if c.client != nil && c.client.opts.Logger != nil {
		logger = c.client.opts.Logger
	}
	logger.Error(err.Error(), "secret_name", key.name, "stage", key.stage)
}
