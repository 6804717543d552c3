package kms

import (
	"fmt"
	"log/slog"
)

// CacheObserver is told what a [Cache] does ([CacheOptions].Observer):
// each hit, miss, stale serve, fetch with its outcome, and eviction, by
// secret name and stage. It never sees a secret value. It is called on the
// goroutine where the event happens, a caller's or the cache's own, never
// under the cache's lock, so it must be safe for concurrent use and quick;
// a panic in it is recovered and reported to the client's
// [Options].Logger (see [Cache]).
type CacheObserver interface {
	ObserveCache(e CacheEvent)
}

// CacheEvent is one thing a Cache did.
type CacheEvent struct {
	Kind  CacheEventKind
	Name  string // the secret's name
	Stage string // the version stage, "ACSCurrent" for Get
	// Err is, for CacheRefresh, the fetch's failure (nil when it fetched a
	// value).
	Err error
	// Background is, for CacheRefresh, whether the fetch ran with no
	// caller waiting for it (refresh ahead, stale-while-revalidate,
	// RefreshInterval).
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

// String returns "hit", "miss", "stale", "refresh" or "evict".
func (k CacheEventKind) String() string {
	switch k {
	case CacheHit:
		return "hit"
	case CacheMiss:
		return "miss"
	case CacheStale:
		return "stale"
	case CacheRefresh:
		return "refresh"
	case CacheEvict:
		return "evict"
	}
	return "unknown"
}

// observe tells the Observer, if any, about ev.
func (c *Cache) observe(ev CacheEvent) {
	if c.opts.Observer == nil {
		return
	}
	defer c.recovered("Observer", cacheKey{ev.Name, ev.Stage})
	c.opts.Observer.ObserveCache(ev)
}

func (c *Cache) observeEvicted(evicted []*entry) {
	for _, e := range evicted {
		c.observe(CacheEvent{Kind: CacheEvict, Name: e.key.name, Stage: e.key.stage})
	}
}

// changed calls OnChange, if set, with copies of both values.
func (c *Cache) changed(key cacheKey, prev, cur *GetSecretValueOutput) {
	if c.opts.OnChange == nil {
		return
	}
	defer c.recovered("OnChange", key)
	c.opts.OnChange(key.name, key.stage, copyOutput(prev), copyOutput(cur))
}

// refreshFailed tells OnRefreshError, if set, that a background fetch of
// key failed.
func (c *Cache) refreshFailed(key cacheKey, err error) {
	if c.opts.OnRefreshError == nil {
		return
	}
	defer c.recovered("OnRefreshError", key)
	c.opts.OnRefreshError(key.name, key.stage, callersError(err))
}

// recovered, deferred around a callback, stops its panic and reports it:
// an OnChange panic to OnRefreshError when set, the others to the
// client's logger. The panic's value is left out: it may hold a secret.
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
