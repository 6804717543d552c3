package kms

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// ErrCacheClosed is returned by a Cache after Close.
var ErrCacheClosed = errors.New("kms: cache closed")

// CacheOptions configure a Cache. Zero values take the defaults; negative
// durations count as zero.
type CacheOptions struct {
	// TTL is how long a fetched value is served without asking KMS again.
	// Default 5 minutes.
	TTL time.Duration
	// RefreshAhead: a hit this close to expiry returns the cached value and
	// starts one background fetch, so busy secrets never expire on a caller.
	// Default TTL/10. Set it to a negative value to turn it off.
	RefreshAhead time.Duration
	// MaxStale is how long past expiry a value may still be served while
	// fetching it fails. Default 0: never; an expired value whose fetch fails
	// is an error.
	MaxStale time.Duration
	// MaxEntries bounds the cache; the least recently used entry goes first.
	// Default 1024.
	MaxEntries int
	// NegativeTTL caches "not found" (ErrSecretNotFound) for this long.
	// Default 0: not cached. Other errors are never cached.
	NegativeTTL time.Duration
	// FetchTimeout bounds one fetch, which runs on the cache's own context so
	// that a caller who gives up does not cancel it for the others. Default 30s.
	FetchTimeout time.Duration
	// Clock replaces time.Now, for tests.
	Clock func() time.Time
}

// Cache serves GetSecretValue results from memory. It is safe for
// concurrent use. Concurrent misses for one secret make one request; a
// caller whose context ends gets its context's error while the fetch goes
// on for the others. A hit does no I/O and does not allocate: it returns
// the cached *GetSecretValueOutput itself, which callers must treat as
// read-only.
type Cache struct {
	client *Client
	opts   CacheOptions
	now    func() time.Time

	ctx    context.Context // cancelled by Close; fetches run on it
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	entries map[cacheKey]*entry
	lru     list.List // of *entry, most recently used first

	stats cacheCounters
}

type cacheKey struct{ name, stage string }

type entry struct {
	key        cacheKey
	elem       *list.Element
	out        *GetSecretValueOutput // last good value, nil if none
	expires    time.Time
	notFound   error // cached ErrSecretNotFound, valid until notFoundTo
	notFoundTo time.Time
	retryAfter time.Time // after a failed fetch: serve stale until then without fetching
	call       *fetchCall
}

type fetchCall struct {
	done chan struct{}
	out  *GetSecretValueOutput
	err  error
}

// NewCache returns a cache in front of client. It starts no goroutine;
// Close it to stop background refreshes.
func NewCache(client *Client, opts CacheOptions) *Cache {
	if opts.TTL <= 0 {
		opts.TTL = 5 * time.Minute
	}
	switch {
	case opts.RefreshAhead == 0:
		opts.RefreshAhead = opts.TTL / 10
	case opts.RefreshAhead < 0 || opts.RefreshAhead >= opts.TTL:
		opts.RefreshAhead = 0
	}
	if opts.MaxStale < 0 {
		opts.MaxStale = 0
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = 1024
	}
	if opts.NegativeTTL < 0 {
		opts.NegativeTTL = 0
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	c := &Cache{client: client, opts: opts, now: opts.Clock, entries: map[cacheKey]*entry{}}
	if c.now == nil {
		c.now = time.Now
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// Get returns the ACSCurrent value of the named secret.
func (c *Cache) Get(ctx context.Context, name string) (*GetSecretValueOutput, error) {
	return c.GetVersionStage(ctx, name, "ACSCurrent")
}

// GetVersionStage returns the value of the named secret at a version stage
// (ACSCurrent, ACSPrevious, or a custom label); each stage is its own entry.
func (c *Cache) GetVersionStage(ctx context.Context, name, stage string) (*GetSecretValueOutput, error) {
	key := cacheKey{name, stage}
	now := c.now()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrCacheClosed
	}
	e := c.entries[key]
	if e != nil {
		c.lru.MoveToFront(e.elem)
		switch {
		case e.out != nil && now.Before(e.expires):
			if c.opts.RefreshAhead > 0 && !now.Before(e.expires.Add(-c.opts.RefreshAhead)) && e.call == nil && !now.Before(e.retryAfter) {
				c.startFetch(e) // refresh ahead; this caller does not wait
			}
			out := e.out
			c.mu.Unlock()
			c.stats.hits.Add(1)
			return out, nil
		case e.notFound != nil && now.Before(e.notFoundTo):
			err := e.notFound
			c.mu.Unlock()
			c.stats.hits.Add(1)
			return nil, err
		case e.out != nil && now.Before(e.retryAfter) && now.Before(e.expires.Add(c.opts.MaxStale)):
			out := e.out // the last fetch failed moments ago: serve stale, do not hammer KMS
			c.mu.Unlock()
			c.stats.stale.Add(1)
			return out, nil
		}
	} else {
		e = &entry{key: key}
		e.elem = c.lru.PushFront(e)
		c.entries[key] = e
		c.evict()
	}
	call := e.call
	if call == nil {
		call = c.startFetch(e)
	}
	c.mu.Unlock()
	c.stats.misses.Add(1)

	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if call.err == nil {
		return call.out, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.out != nil && c.now().Before(e.expires.Add(c.opts.MaxStale)) && !errors.Is(call.err, ErrSecretNotFound) {
		c.stats.stale.Add(1)
		return e.out, nil
	}
	return nil, call.err
}

// Refresh fetches the ACSCurrent value now, whatever the cache holds (for
// rotation hooks), and caches the result. Other stages of the secret are
// dropped.
func (c *Cache) Refresh(ctx context.Context, name string) (*GetSecretValueOutput, error) {
	c.Invalidate(name)
	return c.Get(ctx, name)
}

// Invalidate drops every cached stage of the named secret.
func (c *Cache) Invalidate(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, e := range c.entries {
		if key.name == name {
			c.remove(e)
		}
	}
}

// Close stops background refreshes, waits for them to end and empties the
// cache. Later calls fail with ErrCacheClosed.
func (c *Cache) Close() {
	c.mu.Lock()
	c.closed = true
	c.cancel()
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	clear(c.entries)
	c.lru.Init()
	c.mu.Unlock()
}

// startFetch runs one fetch for e in the background; c.mu is held.
func (c *Cache) startFetch(e *entry) *fetchCall {
	call := &fetchCall{done: make(chan struct{})}
	e.call = call
	c.wg.Add(1)
	go c.fetch(e, call)
	return call
}

func (c *Cache) fetch(e *entry, call *fetchCall) {
	defer c.wg.Done()
	c.stats.fetches.Add(1)
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.FetchTimeout)
	out, err := c.fetchValue(ctx, e.key)
	cancel()
	if err != nil && c.ctx.Err() != nil {
		err = ErrCacheClosed
	}
	now := c.now()
	c.mu.Lock()
	switch {
	case err == nil:
		e.out, e.expires, e.notFound, e.retryAfter = out, now.Add(c.opts.TTL), nil, time.Time{}
	case errors.Is(err, ErrSecretNotFound):
		e.out, e.notFound, e.notFoundTo = nil, err, now.Add(c.opts.NegativeTTL)
	default:
		c.stats.errors.Add(1)
		e.retryAfter = now.Add(c.retryDelay())
	}
	e.call = nil
	call.out, call.err = out, err
	c.mu.Unlock()
	close(call.done)
}

func (c *Cache) fetchValue(ctx context.Context, key cacheKey) (*GetSecretValueOutput, error) {
	if c.client == nil {
		return nil, errors.New("kms: Cache has no client")
	}
	return c.client.GetSecretValue(ctx, &GetSecretValueInput{SecretName: key.name, VersionStage: key.stage})
}

// retryDelay is how long after a failed fetch a stale value is served
// without trying again: a tenth of the TTL, at most 10 seconds.
func (c *Cache) retryDelay() time.Duration { return min(c.opts.TTL/10, 10*time.Second) }

// evict drops least recently used entries beyond MaxEntries; c.mu is held.
func (c *Cache) evict() {
	for c.lru.Len() > c.opts.MaxEntries {
		c.remove(c.lru.Back().Value.(*entry))
		c.stats.evictions.Add(1)
	}
}

func (c *Cache) remove(e *entry) {
	c.lru.Remove(e.elem)
	delete(c.entries, e.key)
}

type cacheCounters struct {
	hits, misses, fetches, errors, stale, evictions atomic.Int64
}

// CacheStats counts what a Cache did since it was built.
type CacheStats struct {
	Hits      int64 // served from memory (including cached not-found)
	Misses    int64 // callers who waited for a fetch
	Fetches   int64 // requests to KMS (each may retry inside the client)
	Errors    int64 // fetches that failed (not counting not-found)
	Stale     int64 // values served past expiry under MaxStale
	Evictions int64 // entries dropped for MaxEntries
	Entries   int   // entries held now
}

// Stats returns the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	n := len(c.entries)
	c.mu.Unlock()
	return CacheStats{Hits: c.stats.hits.Load(), Misses: c.stats.misses.Load(), Fetches: c.stats.fetches.Load(),
		Errors: c.stats.errors.Load(), Stale: c.stats.stale.Load(), Evictions: c.stats.evictions.Load(), Entries: n}
}
