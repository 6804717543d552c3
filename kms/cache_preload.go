package kms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// pending is an entry a Preload fills, with the fetch callers wait on.
type pending struct {
	e    *entry
	call *fetchCall
}

// Preload loads the ACSCurrent value of each named secret into the cache
// with [Client.BatchGetSecretValue], 20 names a request (a name given
// twice counts once), on the caller's goroutine and within ctx: at the
// start of a service, one request instead of one per secret. A value
// loaded counts as a fetch: its TTL starts, and OnChange fires if it
// replaced another version. A Get of one of the names while Preload runs
// waits for it; a name a fetch is already running for is left to that
// fetch and waited for. Preloading more names than MaxEntries keeps the
// last ones.
//
// It returns nil when every name loaded, else [errors.Join] of one
// [BatchError] per failed name ([errors.As] finds each, with its
// SecretName), each matching the classes GetSecretValue's errors match
// ([ErrSecretNotFound], [ErrAccessDenied], ...). A request that fails as a
// whole (throttled until ctx ended, say) fails each of its names with its
// error. An empty name fails before anything is sent ([ErrInvalidInput]);
// after Close, [ErrCacheClosed].
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
			continue
		}
		call := &fetchCall{done: make(chan struct{})}
		e.call.Store(call)
		mine = append(mine, pending{e, call})
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

// preloadBatch reads up to 20 entries with one request and finishes their
// fetches; it returns the failures.
func (c *Cache) preloadBatch(ctx context.Context, batch []pending) []error {
	in := &BatchGetSecretValueInput{Secrets: make([]BatchSecret, len(batch))}
	for i, p := range batch {
		in.Secrets[i] = BatchSecret{SecretName: p.e.key.name}
	}
	c.stats.fetches.Add(1)
	out, err := c.batchFn(ctx, in)
	var errs []error
	for _, p := range batch {
		name := p.e.key.name
		v, ferr := batchAnswer(out, err, name)
		if ferr != nil && c.ctx.Err() != nil {
			ferr = ErrCacheClosed
		}
		c.finish(p.e, p.call, v, ferr, false)
		if ferr != nil {
			errs = append(errs, BatchError{SecretName: name, Err: callersError(ferr)})
		}
	}
	return errs
}

// batchAnswer returns the value or the error a batch answered for name;
// err is the request's own error, which fails every name.
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
// the same name, or the name within the ARN asked for
// (acs:kms:<region>:<account>:secret/<name>), which KMS may answer by name.
func answers(asked, got string) bool {
	return got == asked || got != "" && strings.HasSuffix(asked, ":secret/"+got)
}
