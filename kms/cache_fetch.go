package kms

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// fetchCall is one fetch for an entry, which every caller who needs it
// waits for.
type fetchCall struct {
	done chan struct{}
	out  *GetSecretValueOutput // set before done is closed
	err  error

	mu   sync.Mutex
	last error // the latest failed attempt's error, while the fetch goes on
}

// wait returns the call's result, or, when ctx ends first, an error that
// names the operation and wraps ctx's error and the last failure so far.
func (f *fetchCall) wait(ctx context.Context, op, name string) (*GetSecretValueOutput, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		f.mu.Lock()
		last := f.last
		f.mu.Unlock()
		if last == nil {
			return nil, fmt.Errorf("kms Cache.%s %q: %w", op, name, ctx.Err())
		}
		return nil, fmt.Errorf("kms Cache.%s %q: %w (last error: %w)", op, name, ctx.Err(), callersError(last))
	}
	if f.err != nil {
		return nil, callersError(f.err)
	}
	return copyOutput(f.out), nil
}

// record is a per-call option that puts the fetch in front of the
// client's Observer (kept) to learn why each attempt failed.
func (f *fetchCall) record(o *Options) { o.Observer = attemptRecorder{next: o.Observer, call: f} }

type attemptRecorder struct {
	next Observer
	call *fetchCall
}

func (r attemptRecorder) StartCall(ctx context.Context, ci CallInfo) context.Context {
	if r.next != nil {
		return r.next.StartCall(ctx, ci)
	}
	return ctx
}

func (r attemptRecorder) ObserveAttempt(ctx context.Context, a AttemptInfo) {
	if a.Err != nil {
		r.call.mu.Lock()
		r.call.last = a.Err
		r.call.mu.Unlock()
	}
	if r.next != nil {
		r.next.ObserveAttempt(ctx, a)
	}
}

func (r attemptRecorder) EndCall(ctx context.Context, ci CallInfo, err error) {
	if r.next != nil {
		r.next.EndCall(ctx, ci, err)
	}
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

// deadline is ctx's deadline, zero without one.
func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}

// startFetch makes call e's fetch, which the caller then runs with
// go c.fetch once it has told the Observer why (a miss, a hit that found
// the value due), so that the fetch's event comes after that one; c.mu is
// held and the cache is open.
func (c *Cache) startFetch(e *entry) *fetchCall {
	call := &fetchCall{done: make(chan struct{})}
	e.call.Store(call)
	c.wg.Add(1)
	return call
}

// fetch runs call; until is the deadline of the caller who asked.
func (c *Cache) fetch(e *entry, call *fetchCall, background bool, until time.Time) {
	defer c.wg.Done()
	c.stats.fetches.Add(1)
	// FetchTimeout keeps a hung fetch from holding its entry for ever; it
	// never cuts off the caller who is waiting for this one.
	ctx, cancel := context.WithTimeout(c.ctx, max(c.opts.FetchTimeout, time.Until(until)))
	optFns := []func(*Options){call.record}
	if background {
		optFns = append(optFns, oneAttempt)
	}
	out, err := c.fetchFn(ctx, &GetSecretValueInput{SecretName: e.key.name, VersionStage: e.key.stage}, optFns...)
	cancel()
	switch {
	case err != nil && c.ctx.Err() != nil:
		err = ErrCacheClosed
	case err == nil && out == nil:
		err = errors.New("kms: cache fetch returned no value")
	}
	c.finish(e, call, out, err, background)
}

// finish stores the outcome of a fetch in e, tells the callbacks and
// wakes the callers waiting for call.
func (c *Cache) finish(e *entry, call *fetchCall, out *GetSecretValueOutput, err error, background bool) {
	c.mu.Lock()
	prev := e.state.Load()
	if !c.closed.Load() && e.index >= 0 {
		now := c.now()
		e.state.Store(c.settle(e, prev, out, err, now))
		c.schedule(e, now)
	}
	c.mu.Unlock()
	call.out, call.err = out, err
	c.observe(CacheEvent{Kind: CacheRefresh, Name: e.key.name, Stage: e.key.stage, Err: callersError(err), Background: background})
	if err == nil && prev != nil && prev.out != nil && prev.out.VersionID != out.VersionID {
		c.changed(e.key, prev.out, out)
	}
	if err != nil && background {
		c.refreshFailed(e.key, err)
	}
	e.call.Store(nil)
	close(call.done)
}

// settle is what e holds after a fetch; c.mu is held.
func (c *Cache) settle(e *entry, prev *entryState, out *GetSecretValueOutput, err error, now time.Time) *entryState {
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

// schedule sets e's RefreshInterval timer after a fetch: the interval,
// jittered, or after a failure the backoff settle chose. An entry holding
// no value gets none. c.mu is held.
func (c *Cache) schedule(e *entry, now time.Time) {
	e.stopTimer()
	s := e.state.Load()
	if c.opts.RefreshInterval <= 0 || s.out == nil {
		return
	}
	d := c.jitter(c.opts.RefreshInterval)
	if e.failures > 0 {
		d = s.retryAt.Sub(now)
	}
	e.timer = c.afterFunc(d, func() { c.refreshDue(e) })
}

// refreshDue starts e's RefreshInterval fetch, unless a fetch runs (its
// end sets the next timer) or e is gone.
func (c *Cache) refreshDue(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed.Load() && e.index >= 0 && e.call.Load() == nil {
		go c.fetch(e, c.startFetch(e), true, time.Time{})
	}
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
