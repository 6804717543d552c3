package kms

import (
	"cmp"
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
	// TTL is how long a fetched value is served without asking KMS, drawn
	// per fetch within +-10% so that caches started together do not refresh
	// together. Default 5 minutes; at most 100 years.
	TTL time.Duration
	// RefreshAhead: a hit this close to expiry starts a background fetch.
	// Default TTL/10; negative turns it off; at most TTL/2.
	RefreshAhead time.Duration
	// MaxStale is how long past expiry a value is still served while a
	// background fetch runs (stale-while-revalidate); never once KMS reported
	// the secret deleted. Default 0: the caller waits. At most 100 years.
	MaxStale time.Duration
	// MaxEntries bounds the cache (an entry per name and stage): a full cache
	// evicts the least recently used of 5 random entries (of all, when it
	// holds 6 or fewer). Default 1024.
	MaxEntries int
	// NegativeTTL caches [ErrSecretNotFound], and no other error, for this
	// long. Default 0: not cached.
	NegativeTTL time.Duration
	// FetchTimeout bounds a fetch (which a waiting caller giving up does not
	// cancel), but not below the deadline of the caller who started it.
	// Default 30s.
	FetchTimeout time.Duration
	// RefreshInterval, if positive, fetches each entry holding a value again
	// about this often (+-10%, in real time), read or not, so that OnChange
	// fires on rotation. Default 0: off.
	RefreshInterval time.Duration
	// OnChange, if set, gets copies of both values when a fetch returns
	// another VersionID for a name and stage (not on the first load, nor
	// after a not-found): hook a database pool's reconnect here.
	OnChange func(name, stage string, prev, cur *GetSecretValueOutput)
	// OnRefreshError, if set, is told why a background fetch failed (the
	// cache goes on serving what it holds), and of each panic in OnChange.
	OnRefreshError func(name, stage string, err error)
	// Observer, if set, is told each [CacheEvent]. Nil costs nothing.
	Observer CacheObserver
	// Clock replaces [time.Now], for tests.
	Clock func() time.Time
}

// Cache serves GetSecretValue results from memory, safe for concurrent use.
// Each value and error it returns is the caller's own copy. Concurrent
// misses for a name and stage share one fetch, which goes on when a waiting
// caller's context ends.
//
// A background fetch (RefreshAhead, MaxStale, RefreshInterval) makes one
// attempt; after failures the next waits from 1s, doubling to a minute,
// jittered, and at least the service's [APIError].RetryAfter (up to an
// hour). A caller with nothing to be served waits for a fetch, which the
// client retries as any call.
//
// Errors are the client's ([errors.Is] matches [ErrSecretNotFound], ...). A
// caller whose context ends while it waits gets an error wrapping ctx.Err()
// and the fetch's last failure, if any: `kms Cache.Get "prod/db": context
// deadline exceeded (last error: kms GetSecretValue: Throttling ...)`.
//
// OnChange, OnRefreshError and the [CacheRefresh] event run on the goroutine
// that fetched, before the callers waiting for it return; other events on
// the caller's. None runs under the cache's lock: a callback may call the
// cache, but not Close. A panic in a callback is recovered and reported
// without its value: OnChange's to OnRefreshError, the others' (and
// OnChange's without it) to the client's [Options].Logger or [slog.Default].
type Cache struct {
	client *Client
	opts   CacheOptions
	rand   func() float64 // [0, 1), for jitter and eviction draws; called under mu

	// What the cache asks KMS, and its RefreshInterval timers; tests swap them.
	fetchFn   func(context.Context, *GetSecretValueInput, ...func(*Options)) (*GetSecretValueOutput, error)
	batchFn   func(context.Context, *BatchGetSecretValueInput, ...func(*Options)) (*BatchGetSecretValueOutput, error)
	afterFunc func(time.Duration, func()) (stop func() bool)

	ctx    context.Context // cancelled by Close; fetches run on it
	cancel context.CancelFunc
	wg     sync.WaitGroup // Preloads, and fetches from startFetch to the end of finish
	closed atomic.Bool    // set under mu

	entries sync.Map      // cacheKey -> *entry; hits read it without the lock, writers hold mu
	epoch   atomic.Uint64 // recency clock, advanced by insertions

	mu  sync.Mutex
	all []*entry // every entry, for eviction draws; entry.index is its position

	counts               [CacheEvict + 1]atomic.Int64 // events by kind, counted by observe
	fetches, fetchErrors atomic.Int64                 // requests to KMS, and those that failed
}

type cacheKey struct{ name, stage string }

const stageCurrent = "ACSCurrent"

// maxCacheDuration bounds TTL and MaxStale, so that times cannot overflow.
const maxCacheDuration = 100 * 365 * 24 * time.Hour

// NewCache returns a cache in front of client. It starts no goroutine
// until a fetch; Close it to stop background refreshes.
func NewCache(client *Client, opts CacheOptions) *Cache {
	opts.TTL = min(cmp.Or(max(opts.TTL, 0), 5*time.Minute), maxCacheDuration)
	opts.MaxStale = min(max(opts.MaxStale, 0), maxCacheDuration)
	opts.RefreshInterval = min(max(opts.RefreshInterval, 0), maxCacheDuration)
	opts.NegativeTTL = max(opts.NegativeTTL, 0)
	opts.MaxEntries = cmp.Or(max(opts.MaxEntries, 0), 1024)
	opts.FetchTimeout = cmp.Or(max(opts.FetchTimeout, 0), 30*time.Second)
	if opts.RefreshAhead == 0 {
		opts.RefreshAhead = opts.TTL / 10
	}
	opts.RefreshAhead = min(max(opts.RefreshAhead, 0), opts.TTL/2)
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	c := &Cache{client: client, opts: opts, rand: rand.Float64,
		afterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }}
	c.fetchFn, c.batchFn = noClient, noClient
	if client != nil {
		c.fetchFn, c.batchFn = client.GetSecretValue, client.BatchGetSecretValue
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
// (ACSCurrent, ACSPrevious, or a custom label; "" means ACSCurrent), each
// stage an entry of its own. Errors: [ErrCacheClosed] after Close; an empty
// name matches [ErrInvalidInput]; others as described on [Cache].
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
		if kind, due := c.judge(s, c.opts.Clock()); kind != 0 && (!due || e.call.Load() != nil) {
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

func (c *Cache) answer(key cacheKey, s *entryState, kind CacheEventKind) (*GetSecretValueOutput, error) {
	c.observe(CacheEvent{Kind: kind, Name: key.name, Stage: key.stage})
	if s.out == nil {
		return nil, callersError(s.notFound)
	}
	return copyOutput(s.out), nil
}

// miss serves key under the lock: from what the entry holds (a fetch may
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
	kind, due := c.judge(s, c.opts.Clock())
	start := call == nil && (kind == 0 || due)
	if start {
		call = c.startFetch(e)
	}
	c.mu.Unlock()
	// The fetch starts after the events that explain it.
	c.observeEvicted(evicted)
	if kind != 0 {
		out, err := c.answer(key, s, kind)
		if start {
			go c.fetch(e, call, true, time.Time{})
		}
		return out, err
	}
	return c.await(ctx, "Get", e, call, start)
}

// await counts a miss, runs call if the caller started it, and waits.
func (c *Cache) await(ctx context.Context, op string, e *entry, call *fetchCall, start bool) (*GetSecretValueOutput, error) {
	c.observe(CacheEvent{Kind: CacheMiss, Name: e.key.name, Stage: e.key.stage})
	if start {
		until, _ := ctx.Deadline()
		go c.fetch(e, call, false, until)
	}
	return call.wait(ctx, op, e.key.name)
}

// Refresh fetches the ACSCurrent value now, whatever the cache holds (for
// rotation hooks), and caches it, after waiting out a fetch already running
// (it may predate the rotation). It drops the secret's other stages;
// OnChange fires if the version changed. Errors as GetVersionStage's.
func (c *Cache) Refresh(ctx context.Context, name string) (*GetSecretValueOutput, error) {
	if name == "" {
		return nil, invalid("Cache.Refresh", "name is required")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	for {
		c.mu.Lock()
		if c.closed.Load() {
			c.mu.Unlock()
			return nil, ErrCacheClosed
		}
		c.removeName(name, stageCurrent)
		e, evicted := c.acquire(cacheKey{name, stageCurrent})
		running := e.call.Load()
		if running == nil {
			call := c.startFetch(e)
			c.mu.Unlock()
			c.observeEvicted(evicted)
			return c.await(ctx, "Refresh", e, call, true)
		}
		c.mu.Unlock()
		c.observeEvicted(evicted)
		// The running fetch's failure is not Refresh's answer; ctx's end is.
		if _, err := running.wait(ctx, "Refresh", name); err != nil && ctx.Err() != nil {
			return nil, err
		}
	}
}

// Invalidate drops every cached stage of the named secret.
func (c *Cache) Invalidate(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeName(name, "")
}

// Close stops background refreshes, cancels the fetches and Preloads under
// way and waits for them and their callbacks, and empties the cache. Later
// calls fail with [ErrCacheClosed]; Close may be called again.
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
