package kms_test

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// clock is a controllable time source.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

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
	t.Cleanup(cache.Close)
	return srv, cache, clk
}

func value(t *testing.T, cache *kms.Cache, name string) string {
	t.Helper()
	out, err := cache.Get(ctx, name)
	require.NoError(t, err)
	return out.SecretData()
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
}

func newFakeKMS() *fakeKMS { return &fakeKMS{version: 1} }

func (f *fakeKMS) fetch(ctx context.Context, name, stage string, background bool) (*kms.GetSecretValueOutput, error) {
	f.mu.Lock()
	f.fetches++
	if background {
		f.background++
	}
	version, deleted, err, hold, started := f.version, f.deleted, f.err, f.hold, f.started
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
	kms.SetCacheRand(cache, midJitter)
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
