package kms

import (
	"context"
	"errors"
	"hash/maphash"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// ErrCacheClosed is returned by a Cache after Close.
var ErrCacheClosed = errors.New("kms: cache closed")

// CacheOptions configure a Cache. Zero values take the defaults; negative
// durations count as zero unless a field says otherwise.
type CacheOptions struct {
	// TTL is how long a fetched value is served without asking KMS again.
	// Each fetch draws its own expiry uniformly within TTL +-10%, so caches
	// built together (a deploy) do not refresh together. Default 5 minutes;
	// at most 100 years (as is MaxStale).
	TTL time.Duration
	// RefreshAhead: a hit this close to expiry returns the cached value and
	// starts one background fetch, so busy secrets never expire on a caller.
	// Default TTL/10. Negative turns it off. A value of TTL/2 or more is
	// taken as TTL/2, so a value is always served for a while before it is
	// refreshed.
	RefreshAhead time.Duration
	// MaxStale is how long past expiry a value may still be served
	// (stale-while-revalidate): within it, Get returns the last value at
	// once and one background fetch runs; no caller waits for KMS. Default
	// 0: never; an expired value is fetched again while the caller waits.
	// A secret KMS reports deleted is never served stale.
	MaxStale time.Duration
	// MaxEntries bounds the cache; when it is full, an entry not used for
	// the longest time goes first (recency is tracked per insertion: entries
	// used since the last new entry count as equally recent). Default 1024.
	MaxEntries int
	// NegativeTTL caches "not found" (ErrSecretNotFound) for this long.
	// Default 0: not cached. Other errors are never cached.
	NegativeTTL time.Duration
	// FetchTimeout bounds one fetch, which runs on the cache's own context so
	// that a caller who gives up does not cancel it for the others. Default 30s.
	FetchTimeout time.Duration
	// OnChange, if set, is called once each time a fetch returns a different
	// VersionID than the value the cache held for that name and stage (not
	// on the first load, nor after the secret was reported deleted), with
	// copies of the former and the new value: hook a database pool
	// reconnect on rotation here. It runs on the goroutine that fetched,
	// outside the cache's lock, one call at a time per entry; callers
	// waiting for that fetch (and Refresh) return after it does, so keep it
	// short or hand work off. It must not call Close.
	OnChange func(name, stage string, prev, cur *GetSecretValueOutput)
	// Clock replaces the cache's clock (by default monotonic time since
	// NewCache), for tests.
	Clock func() time.Time
}

// Cache serves GetSecretValue results from memory. It is safe for
// concurrent use. Concurrent misses for one secret make one request; a
// caller whose context ends gets its context's error while the fetch goes
// on for the others.
//
// Get returns a CachedSecret, a read-only handle on the value the cache
// holds: no caller can change what another one gets, and handing it out
// costs no allocation. A hit takes no lock and does no I/O; in the steady
// state (after an entry's first hit since the last insertion, and outside
// the hit that starts a background fetch) it neither allocates nor writes
// memory another core reads, so hits scale with cores. An error the cache
// hands out (a cached not-found, a failed fetch several callers waited
// for) is each caller's own copy.
//
// A background fetch (refresh ahead, stale-while-revalidate) makes one
// attempt. After a failed fetch the next background one waits a growing,
// jittered delay (from 1s, doubling, at most a minute) and at least what the
// service asked for (signer.APIError.RetryAfter, up to an hour); meanwhile the held value
// is served while TTL or MaxStale allows.
type Cache struct {
	client  *Client
	opts    CacheOptions
	now     func() time.Time
	rand    func() float64 // [0, 1), for the jitter
	fetchFn func(ctx context.Context, key cacheKey, background bool) (*GetSecretValueOutput, error)

	ctx    context.Context // cancelled by Close; fetches run on it
	cancel context.CancelFunc
	wg     sync.WaitGroup // fetch goroutines

	closed atomic.Bool
	seed   maphash.Seed
	shards [cacheShards]atomic.Pointer[shard] // copy on write; read without a lock

	mu    sync.Mutex    // serialises writers: inserts, removals, fetch starts and results
	n     int           // entries held; mu
	epoch atomic.Uint64 // recency clock: advanced by every insertion

	stats cacheCounters
}

type cacheKey struct{ name, stage string }

// NewCache returns a cache in front of client. It starts no goroutine
// until a fetch; Close it to stop background refreshes.
func NewCache(client *Client, opts CacheOptions) *Cache {
	if opts.TTL <= 0 {
		opts.TTL = 5 * time.Minute
	}
	// Beyond a century, times would overflow; nobody means more.
	opts.TTL, opts.MaxStale = min(opts.TTL, maxCacheDuration), min(opts.MaxStale, maxCacheDuration)
	switch {
	case opts.RefreshAhead == 0:
		opts.RefreshAhead = opts.TTL / 10
	case opts.RefreshAhead < 0:
		opts.RefreshAhead = 0
	case opts.RefreshAhead >= opts.TTL/2:
		opts.RefreshAhead = opts.TTL / 2
	}
	opts.MaxStale = max(opts.MaxStale, 0)
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 1024
	}
	opts.NegativeTTL = max(opts.NegativeTTL, 0)
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	c := &Cache{client: client, opts: opts, now: opts.Clock, rand: rand.Float64, seed: maphash.MakeSeed()}
	if c.now == nil {
		// Monotonic time past one wall-clock reading: expiry wants elapsed
		// time only, and reading one clock instead of time.Now's two takes
		// about 15 ns (12%) off a hit.
		start := time.Now()
		c.now = func() time.Time { return start.Add(time.Since(start)) }
	}
	c.fetchFn = c.fetchFromKMS
	c.stats.init()
	for i := range c.shards {
		c.shards[i].Store(&shard{})
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// Get returns the ACSCurrent value of the named secret, as a read-only
// CachedSecret.
func (c *Cache) Get(ctx context.Context, name string) (CachedSecret, error) {
	return c.GetVersionStage(ctx, name, stageCurrent)
}

const stageCurrent = "ACSCurrent"

// maxCacheDuration bounds TTL and MaxStale.
const maxCacheDuration = 100 * 365 * 24 * time.Hour

// GetVersionStage returns the value of the named secret at a version stage
// (ACSCurrent, ACSPrevious, or a custom label); each stage is its own
// entry, and "" means ACSCurrent.
//
// Errors: ErrCacheClosed after Close; an empty name matches
// signer.ErrInvalidInput; otherwise what GetSecretValue returned, or ctx's
// error if it ended while waiting.
func (c *Cache) GetVersionStage(ctx context.Context, name, stage string) (CachedSecret, error) {
	if stage == "" {
		stage = stageCurrent
	}
	key := cacheKey{name, stage}
	if c.closed.Load() {
		return CachedSecret{}, ErrCacheClosed
	}
	if e := c.lookup(key); e != nil {
		c.touch(e)
		if s := e.state.Load(); s != nil {
			out, ok, refresh, err := c.serve(s, c.now())
			if refresh {
				c.revalidate(e, s)
			}
			if ok {
				return out, err
			}
		}
	}
	if name == "" {
		return CachedSecret{}, invalid("Cache.Get", "name is required")
	}
	return c.miss(ctx, key)
}

// serve answers from a state when it can (ok), and says whether a
// background fetch is due.
func (c *Cache) serve(s *entryState, now time.Time) (out CachedSecret, ok, refresh bool, err error) {
	switch {
	case s.out != nil && now.Before(s.expires):
		c.stats.hit(false)
		return CachedSecret{s.out}, true, !now.Before(s.refreshAt) && !now.Before(s.retryAt), nil
	case s.out != nil && now.Before(s.staleUntil):
		c.stats.hit(true)
		return CachedSecret{s.out}, true, !now.Before(s.retryAt), nil
	case s.notFound != nil && now.Before(s.expires):
		c.stats.hit(false)
		return CachedSecret{}, true, false, callersError(s.notFound)
	}
	return CachedSecret{}, false, false, nil
}

// miss waits for a fetch of key: the one running, or a new one.
func (c *Cache) miss(ctx context.Context, key cacheKey) (CachedSecret, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	c.mu.Lock()
	if c.closed.Load() {
		c.mu.Unlock()
		return CachedSecret{}, ErrCacheClosed
	}
	e := c.acquire(key)
	// A fetch may have finished since the lock-free look: serve its result.
	if s := e.state.Load(); s != nil {
		if out, ok, refresh, err := c.serve(s, c.now()); ok {
			if refresh && e.call.Load() == nil {
				c.startFetch(e, true)
			}
			c.mu.Unlock()
			return out, err
		}
	}
	call := e.call.Load()
	if call == nil {
		call = c.startFetch(e, false)
	}
	c.mu.Unlock()
	c.stats.misses.Add(1)
	return call.wait(ctx)
}

// revalidate starts one background fetch for e unless one runs, or e
// changed since the caller read s.
func (c *Cache) revalidate(e *entry, s *entryState) {
	if e.call.Load() != nil {
		return // the common case while a refresh runs: no lock
	}
	c.mu.Lock()
	if !c.closed.Load() && !e.removed && e.call.Load() == nil && e.state.Load() == s {
		c.startFetch(e, true)
	}
	c.mu.Unlock()
}

// Refresh fetches the ACSCurrent value now, whatever the cache holds (for
// rotation hooks), waits for it and caches it; a fetch already running is
// waited for first, since it may have started before the rotation. Other
// stages of the secret are dropped. OnChange fires if the version changed.
func (c *Cache) Refresh(ctx context.Context, name string) (CachedSecret, error) {
	if name == "" {
		return CachedSecret{}, invalid("Cache.Refresh", "name is required")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	key := cacheKey{name, stageCurrent}
	for {
		c.mu.Lock()
		if c.closed.Load() {
			c.mu.Unlock()
			return CachedSecret{}, ErrCacheClosed
		}
		c.removeName(name, stageCurrent)
		e := c.acquire(key)
		if running := e.call.Load(); running != nil {
			c.mu.Unlock()
			if _, err := running.wait(ctx); err != nil && ctx.Err() != nil {
				return CachedSecret{}, err
			}
			continue
		}
		call := c.startFetch(e, false)
		c.mu.Unlock()
		c.stats.misses.Add(1)
		return call.wait(ctx)
	}
}

// Invalidate drops every cached stage of the named secret.
func (c *Cache) Invalidate(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeName(name, "")
}

// Close stops background refreshes, waits for the fetches (which end when
// their context is cancelled) and running OnChange calls, and empties the
// cache. Later calls fail with ErrCacheClosed. Close may be called again.
func (c *Cache) Close() {
	c.mu.Lock()
	c.closed.Store(true)
	c.cancel()
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	for i := range c.shards {
		c.shards[i].Store(&shard{})
	}
	c.n = 0
	c.mu.Unlock()
}
