package kms_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// clock is a controllable time source with timers: Advance runs, on the
// caller's goroutine, every timer due by the new time.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*fakeTimer]bool
}

type fakeTimer struct {
	at time.Time
	f  func()
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), timers: map[*fakeTimer]bool{}}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc is a kms.SetCacheTimers timer on the clock.
func (c *clock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers[t] = true
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		pending := c.timers[t]
		delete(c.timers, t)
		return pending
	}
}

// Timers returns how many timers are pending.
func (c *clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock by d and fires the timers due, earliest first.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	for t := range c.timers {
		if !t.at.After(c.now) {
			due = append(due, t)
			delete(c.timers, t)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(due, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	for _, t := range due {
		t.f()
	}
}

// midJitter makes every expiry exactly TTL after its fetch.
func midJitter() float64 { return 0.5 }

// newCache returns a cache on a kmstest server whose client makes one
// attempt per call (clientOpts may change that), with a fake clock and no
// jitter.
func newCache(t *testing.T, o kms.CacheOptions, clientOpts ...func(*kms.Options)) (*kmstest.Server, *kms.Cache, *clock) {
	t.Helper()
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	if clientOpts == nil {
		clientOpts = []func(*kms.Options){func(o *kms.Options) { o.RetryMaxAttempts = 1 }}
	}
	c, err := srv.Client(clientOpts...)
	require.NoError(t, err)
	clk := newClock()
	o.Clock = clk.Now
	cache := kms.NewCache(c, o)
	kms.SetCacheRand(cache, midJitter)
	kms.SetCacheTimers(cache, clk.AfterFunc)
	t.Cleanup(cache.Close)
	return srv, cache, clk
}

func value(t *testing.T, cache *kms.Cache, name string) string {
	t.Helper()
	out, err := cache.Get(ctx, name)
	require.NoError(t, err)
	return out.SecretData
}

// fakeKMS is an injected fetch: version n of every secret is "value-n"
// with VersionID "v-n". It counts fetches, can fail them, and can hold them
// until released, so a test knows exactly which Gets ran while a fetch was
// under way.
type fakeKMS struct {
	mu         sync.Mutex
	version    int
	deleted    bool
	err        error         // every fetch fails with it while set
	hold       chan struct{} // while set, fetches wait for it to close (or their context)
	started    chan struct{} // one send per fetch, if set
	fetches    int
	background int
	stages     []string          // VersionStages of the answers; default {ACSCurrent}
	unparsed   map[string]string // Unparsed of the answers; default nil
	failing    map[string]error  // names whose fetches fail, and how
	batchErr   error             // every batch request fails with it while set
	batches    [][]string        // the names of each batch request
}

func newFakeKMS() *fakeKMS { return &fakeKMS{version: 1} }

func (f *fakeKMS) fetch(ctx context.Context, name, stage string, background bool) (*kms.GetSecretValueOutput, error) {
	f.mu.Lock()
	f.fetches++
	if background {
		f.background++
	}
	version, deleted, err, hold, started := f.version, f.deleted, f.err, f.hold, f.started
	if err == nil {
		err = f.failing[name]
	}
	stages, unparsed := f.stages, maps.Clone(f.unparsed)
	f.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	switch {
	case err != nil:
		return nil, err
	case deleted:
		return nil, &kms.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 404, Code: "Forbidden.ResourceNotFound"}
	}
	if stages == nil {
		stages = []string{stage}
	}
	return &kms.GetSecretValueOutput{SecretName: name, SecretData: fmt.Sprintf("value-%d", version),
		VersionID: fmt.Sprintf("v-%d", version), VersionStages: append([]string(nil), stages...), Unparsed: unparsed}, nil
}

// batch answers a Preload as BatchGetSecretValue would, one fetch per
// secret: a failing secret goes to Errors.
func (f *fakeKMS) batch(ctx context.Context, in *kms.BatchGetSecretValueInput) (*kms.BatchGetSecretValueOutput, error) {
	names := make([]string, len(in.Secrets))
	for i, s := range in.Secrets {
		names[i] = s.SecretName
	}
	f.mu.Lock()
	f.batches = append(f.batches, names)
	batchErr := f.batchErr
	f.mu.Unlock()
	if batchErr != nil {
		return nil, batchErr
	}
	out := &kms.BatchGetSecretValueOutput{RequestID: "batch"}
	for _, name := range names {
		v, err := f.fetch(ctx, name, "ACSCurrent", false)
		if err != nil {
			out.Errors = append(out.Errors, kms.BatchError{SecretName: name, Err: err})
			continue
		}
		out.SecretValues = append(out.SecretValues, *v)
	}
	return out, nil
}

func (f *fakeKMS) batchNames() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.batches)
}

func (f *fakeKMS) set(fn func(f *fakeKMS)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeKMS) count() (fetches, background int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fetches, f.background
}

// fakeCache returns a cache on f with a fake clock and no jitter.
func fakeCache(t testing.TB, f *fakeKMS, o kms.CacheOptions) (*kms.Cache, *clock) {
	t.Helper()
	clk := newClock()
	o.Clock = clk.Now
	cache := kms.NewCache(nil, o)
	kms.SetCacheFetch(cache, f.fetch)
	kms.SetCacheBatch(cache, f.batch)
	kms.SetCacheRand(cache, midJitter)
	kms.SetCacheTimers(cache, clk.AfterFunc)
	t.Cleanup(cache.Close)
	return cache, clk
}

// within fails the test if fn does not return in d: a liveness bound for
// code that would otherwise hang the test, not a timing assertion.
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}
