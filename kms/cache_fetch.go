package kms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// fetchCall is one fetch for an entry, which every caller who needs it
// waits for.
type fetchCall struct {
	done chan struct{}
	out  *GetSecretValueOutput // set before done is closed
	err  error
	last atomic.Pointer[error] // the latest failed attempt's error, while the fetch goes on
}

func (f *fetchCall) wait(ctx context.Context, op, name string) (*GetSecretValueOutput, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		if last := f.last.Load(); last != nil {
			return nil, fmt.Errorf("kms Cache.%s %q: %w (last error: %w)", op, name, ctx.Err(), callersError(*last))
		}
		return nil, fmt.Errorf("kms Cache.%s %q: %w", op, name, ctx.Err())
	}
	if f.err != nil {
		return nil, callersError(f.err)
	}
	return copyOutput(f.out), nil
}

// record is a per-call option that puts the fetch in front of the client's
// Observer, to learn why each attempt failed.
func (f *fetchCall) record(o *Options) {
	next := o.Observer
	if next == nil {
		next = nopObserver{}
	}
	o.Observer = attemptRecorder{next, f}
}

type attemptRecorder struct {
	Observer
	call *fetchCall
}

func (r attemptRecorder) ObserveAttempt(ctx context.Context, a AttemptInfo) {
	if a.Err != nil {
		r.call.last.Store(&a.Err)
	}
	r.Observer.ObserveAttempt(ctx, a)
}

type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ CallInfo) context.Context { return ctx }
func (nopObserver) ObserveAttempt(context.Context, AttemptInfo)               {}
func (nopObserver) EndCall(context.Context, CallInfo, error)                  {}

// callersError copies an *APIError: the cache hands one error to every
// caller of a fetch, and one could change it under errors.As for the rest.
func callersError(err error) error {
	if ae, ok := err.(*APIError); ok {
		cp := *ae
		return &cp
	}
	return err
}

// startFetch makes e's fetch, which the caller runs once it has told the
// Observer why; c.mu is held and the cache open.
func (c *Cache) startFetch(e *entry) *fetchCall {
	call := &fetchCall{done: make(chan struct{})}
	e.call.Store(call)
	c.wg.Add(1)
	return call
}

// fetch runs call; until is the deadline of the caller who asked.
func (c *Cache) fetch(e *entry, call *fetchCall, background bool, until time.Time) {
	c.fetches.Add(1)
	// FetchTimeout keeps a hung fetch from holding its entry for ever; it
	// never cuts off the caller who is waiting for this one.
	ctx, cancel := context.WithTimeout(c.ctx, max(c.opts.FetchTimeout, time.Until(until)))
	optFns := []func(*Options){call.record}
	if background {
		// One request: a cache serving a value must not add its client's
		// retries to a struggling service.
		optFns = append(optFns, func(o *Options) { o.RetryMaxAttempts = 1 })
	}
	out, err := c.fetchFn(ctx, &GetSecretValueInput{SecretName: e.key.name, VersionStage: e.key.stage}, optFns...)
	cancel()
	if err == nil && out == nil {
		err = errors.New("kms: cache fetch returned no value")
	}
	c.finish(e, call, out, err, background)
}

func (c *Cache) finish(e *entry, call *fetchCall, out *GetSecretValueOutput, err error, background bool) {
	defer c.wg.Done()
	if err != nil && c.ctx.Err() != nil {
		err = ErrCacheClosed
	}
	c.mu.Lock()
	prev := e.state.Load()
	if !c.closed.Load() && e.index >= 0 {
		now := c.opts.Clock()
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
	c.fetchErrors.Add(1)
	e.failures++
	next := &entryState{}
	if prev != nil {
		*next = *prev
	}
	next.retryAt = now.Add(c.retryDelay(e.failures, err))
	return next
}

// schedule sets e's RefreshInterval timer after a fetch; c.mu is held.
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

// refreshDue starts e's RefreshInterval fetch, unless one runs (its end
// sets the next timer) or e is gone.
func (c *Cache) refreshDue(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed.Load() && e.index >= 0 && e.call.Load() == nil {
		go c.fetch(e, c.startFetch(e), true, time.Time{})
	}
}

func (c *Cache) jitter(d time.Duration) time.Duration {
	return d - d/10 + time.Duration(c.rand()*float64(d/5))
}

// retryDelay is how long after the failures-th failed fetch in a row no
// background fetch starts.
func (c *Cache) retryDelay(failures int, err error) time.Duration {
	d := min(time.Second<<min(failures-1, 6), time.Minute)
	d = d/2 + time.Duration(c.rand()*float64(d/2))
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = min(ae.RetryAfter, time.Hour)
	}
	return d
}

// Preload loads the ACSCurrent value of each named secret (a name given
// twice counts once) with [Client.BatchGetSecretValue], 20 names a request,
// on the caller's goroutine and within ctx. Each value loaded counts as a
// fetch (its TTL starts; OnChange may fire), which a Get meanwhile waits
// for; a name already being fetched is waited for. Given more names than
// MaxEntries, the last ones stay.
//
// It returns nil when every name loaded, else [errors.Join] of a
// [BatchError] per failed name, matching what GetSecretValue's errors match
// ([ErrSecretNotFound], ...); a request that fails fails each of its names.
// An empty name fails before anything is sent ([ErrInvalidInput]); after
// Close, [ErrCacheClosed].
func (c *Cache) Preload(ctx context.Context, names ...string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	for i, name := range names {
		if name == "" {
			return invalid("Cache.Preload", fmt.Sprintf("names[%d] is empty", i))
		}
	}
	c.mu.Lock()
	if c.closed.Load() {
		c.mu.Unlock()
		return ErrCacheClosed
	}
	c.wg.Add(1)
	defer c.wg.Done()
	var mine, others []pending
	var evicted []*entry
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		e, ev := c.acquire(cacheKey{name, stageCurrent})
		evicted = append(evicted, ev...)
		if call := e.call.Load(); call != nil {
			others = append(others, pending{e, call})
		} else {
			mine = append(mine, pending{e, c.startFetch(e)})
		}
	}
	c.mu.Unlock()
	c.observeEvicted(evicted)

	// Close ends the requests as it ends fetches.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()
	var errs []error
	for batch := range slices.Chunk(mine, MaxBatchSecrets) {
		errs = append(errs, c.preloadBatch(ctx, batch)...)
	}
	for _, p := range others {
		if _, err := p.call.wait(ctx, "Preload", p.e.key.name); err != nil {
			errs = append(errs, BatchError{SecretName: p.e.key.name, Err: err})
		}
	}
	return errors.Join(errs...)
}

type pending struct {
	e    *entry
	call *fetchCall
}

func (c *Cache) preloadBatch(ctx context.Context, batch []pending) []error {
	in := &BatchGetSecretValueInput{Secrets: make([]BatchSecret, len(batch))}
	for i, p := range batch {
		in.Secrets[i] = BatchSecret{SecretName: p.e.key.name}
	}
	c.fetches.Add(1)
	out, err := c.batchFn(ctx, in)
	var errs []error
	for _, p := range batch {
		v, ferr := batchAnswer(out, err, p.e.key.name)
		c.finish(p.e, p.call, v, ferr, false)
		if p.call.err != nil { // as finish settled it
			errs = append(errs, BatchError{SecretName: p.e.key.name, Err: callersError(p.call.err)})
		}
	}
	return errs
}

// batchAnswer is what a batch answered for name; err, the request's own
// error, fails every name.
func batchAnswer(out *BatchGetSecretValueOutput, err error, name string) (*GetSecretValueOutput, error) {
	if err != nil {
		return nil, err
	}
	for _, v := range out.SecretValues {
		if answers(name, v.SecretName) {
			return &v, nil
		}
	}
	for _, be := range out.Errors {
		if answers(name, be.SecretName) {
			return nil, be.Err
		}
	}
	return nil, fmt.Errorf("kms BatchGetSecretValue: the answer has neither a value nor an error for %q", name)
}

// answers reports whether an item named got answers the secret asked for:
// KMS may answer an ARN (acs:kms:<region>:<account>:secret/<name>) by name.
func answers(asked, got string) bool {
	return got == asked || got != "" && strings.HasSuffix(asked, ":secret/"+got)
}
