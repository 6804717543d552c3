package kms

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// entry is one cached name and stage. Hits read it without a lock: state
// is an immutable snapshot swapped whole, under Cache.mu.
type entry struct {
	key   cacheKey
	state atomic.Pointer[entryState] // nil until the first fetch ends
	call  atomic.Pointer[fetchCall]  // the fetch running, if any; set under Cache.mu
	used  atomic.Uint64              // Cache.epoch when last used

	failures int  // failed fetches in a row; Cache.mu
	removed  bool // dropped from the map; Cache.mu
}

// entryState is what an entry holds; never changed once published.
type entryState struct {
	out        *GetSecretValueOutput // the value, served read-only as a CachedSecret; nil if none
	notFound   error                 // cached ErrSecretNotFound, served until expires
	expires    time.Time             // end of the (jittered) TTL
	refreshAt  time.Time             // a hit from here on starts a background fetch
	staleUntil time.Time             // expires + MaxStale
	retryAt    time.Time             // after a failure: no background fetch before this
}

type fetchCall struct {
	done chan struct{}
	out  *GetSecretValueOutput // set before done is closed
	err  error
}

// wait returns the call's result or ctx's error.
func (f *fetchCall) wait(ctx context.Context) (CachedSecret, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		return CachedSecret{}, ctx.Err()
	}
	if f.err != nil {
		return CachedSecret{}, callersError(f.err)
	}
	return CachedSecret{f.out}, nil
}

// callersError returns err for one caller: an *APIError (the error of
// every answer from KMS) is copied, since an error the cache holds or hands
// to every caller waiting for a fetch is otherwise one object, which a
// caller could change under errors.As for all the others.
func callersError(err error) error {
	if ae, ok := err.(*APIError); ok {
		cp := *ae
		return &cp
	}
	return err
}

// Retry delays after a failed fetch: from cacheRetryBase, doubling per
// failure in a row, capped at cacheRetryCap, jittered within [d/2, d).
const (
	cacheRetryBase = time.Second
	cacheRetryCap  = time.Minute
	// A retry-after above this (a broken header) is taken as this.
	cacheRetryAfterCap = time.Hour
)

// oneAttempt makes a background fetch a single request: a cache serving
// a value must not add its client's retries to a struggling service.
func oneAttempt(o *Options) { o.RetryMaxAttempts = 1 }

func (c *Cache) fetchFromKMS(ctx context.Context, key cacheKey, background bool) (*GetSecretValueOutput, error) {
	if c.client == nil {
		return nil, errors.New("kms: Cache has no client")
	}
	in := &GetSecretValueInput{SecretName: key.name, VersionStage: key.stage}
	if background {
		return c.client.GetSecretValue(ctx, in, oneAttempt)
	}
	return c.client.GetSecretValue(ctx, in)
}

// startFetch runs one fetch for e in the background; c.mu is held and the
// cache is open.
func (c *Cache) startFetch(e *entry, background bool) *fetchCall {
	call := &fetchCall{done: make(chan struct{})}
	e.call.Store(call)
	c.wg.Add(1)
	go c.fetch(e, call, background)
	return call
}

func (c *Cache) fetch(e *entry, call *fetchCall, background bool) {
	defer c.wg.Done()
	c.stats.fetches.Add(1)
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.FetchTimeout)
	out, err := c.fetchFn(ctx, e.key, background)
	cancel()
	switch {
	case err != nil && c.ctx.Err() != nil:
		err = ErrCacheClosed
	case err == nil && out == nil:
		err = errors.New("kms: cache fetch returned no value")
	}
	now := c.now()
	c.mu.Lock()
	prev := e.state.Load()
	e.state.Store(c.nextState(e, prev, out, err, now))
	c.mu.Unlock()
	call.out, call.err = out, err
	if err == nil && c.opts.OnChange != nil && prev != nil && prev.out != nil && prev.out.VersionID != out.VersionID {
		c.opts.OnChange(e.key.name, e.key.stage, CachedSecret{prev.out}.Output(), CachedSecret{out}.Output())
	}
	e.call.Store(nil)
	close(call.done)
}

// nextState is what e holds after a fetch; c.mu is held.
func (c *Cache) nextState(e *entry, prev *entryState, out *GetSecretValueOutput, err error, now time.Time) *entryState {
	switch {
	case err == nil:
		e.failures = 0
		expires := now.Add(c.jitter(c.opts.TTL))
		return &entryState{out: out, expires: expires, refreshAt: expires.Add(-c.opts.RefreshAhead),
			staleUntil: expires.Add(c.opts.MaxStale)}
	case errors.Is(err, ErrSecretNotFound):
		// Deleted: the old value must stop being served, stale or not.
		e.failures = 0
		return &entryState{notFound: err, expires: now.Add(c.opts.NegativeTTL)}
	}
	c.stats.errors.Add(1)
	e.failures++
	next := &entryState{}
	if prev != nil {
		*next = *prev
	}
	next.retryAt = now.Add(c.retryDelay(e.failures, err))
	return next
}

// jitter spreads d uniformly over [0.9d, 1.1d).
func (c *Cache) jitter(d time.Duration) time.Duration {
	return d - d/10 + time.Duration(c.rand()*float64(d/5))
}

// retryDelay is how long after the failures-th failed fetch in a row no
// background fetch starts: growing, jittered, and at least the wait the
// service asked for (up to an hour).
func (c *Cache) retryDelay(failures int, err error) time.Duration {
	d := cacheRetryCap
	if failures <= 6 { // 1s << 6 is past the cap
		d = min(cacheRetryBase<<(failures-1), cacheRetryCap)
	}
	d = d/2 + time.Duration(c.rand()*float64(d/2))
	var ae *signer.APIError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = min(ae.RetryAfter, cacheRetryAfterCap)
	}
	return d
}
