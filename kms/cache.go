package kms

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// ErrCacheClosed is returned by a [Cache] after [Cache.Close].
var ErrCacheClosed = errors.New("kms: cache closed")

// CacheOptions configure a [Cache]. Zero values take the defaults;
// negative durations count as zero unless a field says otherwise.
type CacheOptions struct {
	// TTL is how long a fetched value is fresh: served without asking KMS
	// again. Each fetch draws its own expiry uniformly within TTL +-10%, so
	// caches built together (a deploy) do not refresh together. Default 5
	// minutes; at most 100 years (as is MaxStale).
	TTL time.Duration
	// RefreshAhead: a hit this close to expiry returns the cached value and
	// starts one background fetch, so busy secrets never expire on a caller.
	// Default TTL/10. Negative turns it off. A value of TTL/2 or more is
	// taken as TTL/2.
	RefreshAhead time.Duration
	// MaxStale is how long past expiry a value is still served, stale
	// (stale-while-revalidate): within it, a Get returns the last value at
	// once and one background fetch runs; no caller waits for KMS. Default
	// 0: never; an expired value is fetched while the caller waits. A
	// secret KMS reports deleted is never served stale.
	MaxStale time.Duration
	// MaxEntries bounds the cache (one entry per name and stage). When it
	// is full, a new entry evicts the least recently used of 5 entries
	// drawn at random (of all of them in a cache of 6 or fewer), so an
	// insertion costs the same at any size. Default 1024.
	MaxEntries int
	// NegativeTTL caches "not found" ([ErrSecretNotFound]) for this long.
	// Default 0: not cached. Other errors are never cached.
	NegativeTTL time.Duration
	// FetchTimeout bounds one fetch, which runs on the cache's own context
	// so that a caller who gives up does not cancel it for the others. A
	// fetch runs at least until the deadline of the caller who started it.
	// Default 30s.
	FetchTimeout time.Duration
	// RefreshInterval, if positive, fetches every entry holding a value
	// again about this often (each wait drawn within +-10%), read or not,
	// so OnChange fires on rotation without any Get. Each is a background
	// fetch (one attempt, then the backoff described on [Cache]), until the
	// entry is evicted or invalidated or the cache closed. The waits run on
	// real time, whatever Clock says. Default 0: a value is fetched again
	// only when a Get finds it due.
	RefreshInterval time.Duration
	// OnChange, if set, is called once each time a fetch returns a
	// different VersionID than the value the cache held for that name and
	// stage (not on the first load, nor after the secret was reported
	// deleted), with copies of the former and the new value: hook a
	// database pool reconnect on rotation here. Get(name) is stage
	// "ACSCurrent". See [Cache] for its goroutine and its panics.
	OnChange func(name, stage string, prev, cur *GetSecretValueOutput)
	// OnRefreshError, if set, is told each failure of a background fetch
	// (refresh ahead, stale-while-revalidate, RefreshInterval) and why: the
	// cache goes on serving what it holds, so this is where a service
	// learns that its value is getting old. It is also told of a panic in
	// OnChange. A caller who waited for a fetch gets its failure instead.
	OnRefreshError func(name, stage string, err error)
	// Observer, if set, is told each hit, miss, stale serve, fetch and
	// eviction ([CacheObserver]). Nil costs nothing.
	Observer CacheObserver
	// Clock replaces [time.Now] as the cache's clock, for tests.
	Clock func() time.Time
}

// Cache serves GetSecretValue results from memory, safe for concurrent
// use. [Cache.Get], [Cache.GetVersionStage] and [Cache.Refresh] return a
// [GetSecretValueOutput] of the caller's own (printed with SecretData
// redacted, as the client's); an error the cache hands out is each
// caller's own copy too. Concurrent misses for one name and stage make one
// fetch, and a caller whose context ends stops waiting while the fetch goes
// on for the others. [Cache.Preload] loads many secrets with one request
// per 20.
//
// A value is fresh until its expiry (TTL, jittered), then stale for
// MaxStale: a stale value is still served, at once, while one background
// fetch asks KMS for a newer one. A hit within RefreshAhead of expiry, and
// RefreshInterval, start background fetches too. A background fetch makes
// one attempt; after a failure the next one waits a growing, jittered delay
// (from 1s, doubling, at most a minute) and at least what the service asked
// for ([signer.APIError.RetryAfter], up to an hour). Past MaxStale, or with
// nothing held, the caller waits for a fetch, which the client retries as
// for any call.
//
// Errors: a fetch's failure is returned as the client returned it
// ([errors.Is] matches [ErrSecretNotFound], [ErrThrottled], ...). A caller
// whose context ends while it waits gets an error that names the operation
// and the secret and wraps both ctx.Err() and the fetch's last failure so
// far: `kms Cache.Get "prod/db": context deadline exceeded (last error: kms
// GetSecretValue: Throttling ...)` matches [context.DeadlineExceeded] and
// [ErrThrottled].
//
// Callbacks: OnChange, OnRefreshError and a fetch's [CacheRefresh] event
// run on the goroutine that fetched (the cache's own, or the caller's for
// Preload), before the callers waiting for that fetch return; the other
// events run on the caller's goroutine. None runs under the cache's lock,
// so a callback may call the cache (but not Close). A panic in a callback
// is recovered and the cache goes on: a panic in OnChange is reported to
// OnRefreshError as an error naming the secret, and one in OnRefreshError
// or the Observer (or in OnChange without OnRefreshError) to the client's
// [Options].Logger ([slog.Default] without one). The panic's value is
// never reported: it may hold a secret.
type Cache struct {
	client *Client
	opts   CacheOptions
	now    func() time.Time
	rand   func() float64 // [0, 1), for jitter and eviction draws; called under mu

	// What the cache asks KMS; the client's methods unless a test swaps them.
	fetchFn   func(context.Context, *GetSecretValueInput, ...func(*Options)) (*GetSecretValueOutput, error)
	batchFn   func(context.Context, *BatchGetSecretValueInput, ...func(*Options)) (*BatchGetSecretValueOutput, error)
	afterFunc func(time.Duration, func()) (stop func() bool) // RefreshInterval timers

	ctx    context.Context // cancelled by Close; fetches run on it
	cancel context.CancelFunc
	wg     sync.WaitGroup // fetches and Preloads under way
	closed atomic.Bool    // set under mu

	entries sync.Map      // cacheKey -> *entry; hits read it without the lock, writers hold mu
	epoch   atomic.Uint64 // recency clock, advanced by insertions

	mu  sync.Mutex
	all []*entry // every entry, for eviction draws; entry.index is its position

	stats struct{ hits, stale, misses, fetches, errors, evictions atomic.Int64 }
}

type cacheKey struct{ name, stage string }

const stageCurrent = "ACSCurrent"

// maxCacheDuration bounds TTL and MaxStale: beyond a century, times would
// overflow, and nobody means more.
const maxCacheDuration = 100 * 365 * 24 * time.Hour

// NewCache returns a cache in front of client. It starts no goroutine
// until a fetch; Close it to stop background refreshes.
func NewCache(client *Client, opts CacheOptions) *Cache {
	if opts.TTL <= 0 {
		opts.TTL = 5 * time.Minute
	}
	opts.TTL, opts.MaxStale = min(opts.TTL, maxCacheDuration), min(max(opts.MaxStale, 0), maxCacheDuration)
	switch {
	case opts.RefreshAhead == 0:
		opts.RefreshAhead = opts.TTL / 10
	case opts.RefreshAhead < 0:
		opts.RefreshAhead = 0
	case opts.RefreshAhead >= opts.TTL/2:
		opts.RefreshAhead = opts.TTL / 2
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 1024
	}
	opts.NegativeTTL = max(opts.NegativeTTL, 0)
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	opts.RefreshInterval = min(max(opts.RefreshInterval, 0), maxCacheDuration)
	c := &Cache{client: client, opts: opts, now: opts.Clock, rand: rand.Float64,
		fetchFn: noClient[GetSecretValueInput, GetSecretValueOutput], batchFn: noClient[BatchGetSecretValueInput, BatchGetSecretValueOutput],
		afterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }}
	if client != nil {
		c.fetchFn, c.batchFn = client.GetSecretValue, client.BatchGetSecretValue
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

func noClient[In, Out any](context.Context, *In, ...func(*Options)) (*Out, error) {
	return nil, errors.New("kms: Cache has no client")
}

// Get returns the ACSCurrent value of the named secret; see
// [Cache.GetVersionStage].
func (c *Cache) Get(ctx context.Context, name string) (*GetSecretValueOutput, error) {
	return c.GetVersionStage(ctx, name, stageCurrent)
}

// GetVersionStage returns the value of the named secret at a version stage
// (ACSCurrent, ACSPrevious, or a custom label), as a copy of the caller's
// own; each stage is its own entry, and "" means ACSCurrent.
//
// Errors: [ErrCacheClosed] after Close; an empty name matches
// [ErrInvalidInput]; otherwise what [Client.GetSecretValue] returned, or,
// if ctx ended first, an error wrapping ctx.Err() and the fetch's last
// failure (see [Cache]).
func (c *Cache) GetVersionStage(ctx context.Context, name, stage string) (*GetSecretValueOutput, error) {
	if stage == "" {
		stage = stageCurrent
	}
	if name == "" {
		return nil, invalid("Cache.Get", "name is required")
	}
	if c.closed.Load() {
		return nil, ErrCacheClosed
	}
	key := cacheKey{name, stage}
	if v, ok := c.entries.Load(key); ok {
		e := v.(*entry)
		c.touch(e)
		s := e.state.Load()
		// Served without the lock, unless a background fetch is due and
		// none runs yet: miss starts it.
		if kind, due := c.judge(s, c.now()); kind != 0 && (!due || e.call.Load() != nil) {
			return c.answer(key, s, kind)
		}
	}
	return c.miss(ctx, key)
}

// judge says how s serves at now (CacheHit, CacheStale, or 0: it cannot)
// and whether a background fetch is due.
func (c *Cache) judge(s *entryState, now time.Time) (kind CacheEventKind, due bool) {
	switch {
	case s == nil:
		return 0, false
	case s.out != nil && now.Before(s.expires):
		return CacheHit, !now.Before(s.refreshAt) && !now.Before(s.retryAt)
	case s.out != nil && now.Before(s.staleUntil):
		return CacheStale, !now.Before(s.retryAt)
	case s.notFound != nil && now.Before(s.expires):
		return CacheHit, false
	}
	return 0, false
}

// answer serves s to one caller.
func (c *Cache) answer(key cacheKey, s *entryState, kind CacheEventKind) (*GetSecretValueOutput, error) {
	if kind == CacheStale {
		c.stats.stale.Add(1)
	} else {
		c.stats.hits.Add(1)
	}
	c.observe(CacheEvent{Kind: kind, Name: key.name, Stage: key.stage})
	if s.out == nil {
		return nil, callersError(s.notFound)
	}
	return copyOutput(s.out), nil
}

// miss takes the lock to serve key: from what the entry holds (a fetch may
// have ended since the caller looked), starting the background fetch due
// if none runs; else by waiting for a fetch, the one running or a new one.
func (c *Cache) miss(ctx context.Context, key cacheKey) (*GetSecretValueOutput, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	c.mu.Lock()
	if c.closed.Load() {
		c.mu.Unlock()
		return nil, ErrCacheClosed
	}
	e, evicted := c.acquire(key)
	s, call := e.state.Load(), e.call.Load()
	kind, due := c.judge(s, c.now())
	start := call == nil && (kind == 0 || due)
	if start {
		call = c.startFetch(e)
	}
	c.mu.Unlock()
	c.observeEvicted(evicted)
	if kind != 0 {
		out, err := c.answer(key, s, kind)
		if start {
			go c.fetch(e, call, true, time.Time{})
		}
		return out, err
	}
	c.stats.misses.Add(1)
	c.observe(CacheEvent{Kind: CacheMiss, Name: key.name, Stage: key.stage})
	if start {
		go c.fetch(e, call, false, deadline(ctx))
	}
	return call.wait(ctx, "Get", key.name)
}

// Refresh fetches the ACSCurrent value now, whatever the cache holds (for
// rotation hooks), waits for it and caches it; a fetch already running is
// waited for first, since it may have started before the rotation. Other
// stages of the secret are dropped. OnChange fires if the version changed.
// Errors as GetVersionStage's.
func (c *Cache) Refresh(ctx context.Context, name string) (*GetSecretValueOutput, error) {
	if name == "" {
		return nil, invalid("Cache.Refresh", "name is required")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	key := cacheKey{name, stageCurrent}
	for {
		c.mu.Lock()
		if c.closed.Load() {
			c.mu.Unlock()
			return nil, ErrCacheClosed
		}
		c.removeName(name, stageCurrent)
		e, evicted := c.acquire(key)
		running := e.call.Load()
		var call *fetchCall
		if running == nil {
			call = c.startFetch(e)
		}
		c.mu.Unlock()
		c.observeEvicted(evicted)
		if running != nil {
			if _, err := running.wait(ctx, "Refresh", name); err != nil && ctx.Err() != nil {
				return nil, err
			}
			continue
		}
		c.stats.misses.Add(1)
		c.observe(CacheEvent{Kind: CacheMiss, Name: key.name, Stage: key.stage})
		go c.fetch(e, call, false, deadline(ctx))
		return call.wait(ctx, "Refresh", name)
	}
}

// Invalidate drops every cached stage of the named secret.
func (c *Cache) Invalidate(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeName(name, "")
}

// Close stops background refreshes, waits for the fetches and Preloads
// under way (which end when their context is cancelled) with their
// callbacks, and empties the cache. Later calls fail with
// [ErrCacheClosed]. Close may be called again.
func (c *Cache) Close() {
	c.mu.Lock()
	c.closed.Store(true)
	c.cancel()
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	for len(c.all) > 0 { // remove stops each refresh timer
		c.remove(c.all[len(c.all)-1])
	}
	c.mu.Unlock()
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
	return CacheStats{Hits: c.stats.hits.Load(), Misses: c.stats.misses.Load(), Fetches: c.stats.fetches.Load(),
		Errors: c.stats.errors.Load(), Stale: c.stats.stale.Load(), Evictions: c.stats.evictions.Load(), Entries: n}
}
