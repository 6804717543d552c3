package kms_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

// clock is a controllable time source.
type clock struct{ ns atomic.Int64 }

func newClock() *clock                   { c := &clock{}; c.ns.Store(time.Now().UnixNano()); return c }
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func newCache(t *testing.T, o kms.CacheOptions) (*kmstest.Server, *kms.Cache, *clock) {
	t.Helper()
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	clk := newClock()
	o.Clock = clk.Now
	cache := kms.NewCache(c, o)
	t.Cleanup(cache.Close)
	return srv, cache, clk
}

func value(t *testing.T, cache *kms.Cache, name string) string {
	t.Helper()
	out, err := cache.Get(ctx, name)
	require.NoError(t, err)
	return out.SecretData
}

func TestCacheTTL(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	srv.PutSecretValue("db", "v2") // rotated underneath
	clk.Advance(9 * time.Minute)
	assert.Equal(t, "v1", value(t, cache, "db"), "within the TTL: no request")
	assert.Equal(t, 1, srv.Requests())
	clk.Advance(2 * time.Minute)
	assert.Equal(t, "v2", value(t, cache, "db"), "expired: fetched again")
	assert.Equal(t, 2, srv.Requests())
	st := cache.Stats()
	assert.Equal(t, int64(1), st.Hits)
	assert.Equal(t, int64(2), st.Misses)
	assert.Equal(t, int64(2), st.Fetches)
}

func TestCacheRefreshAhead(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	srv.PutSecretValue("db", "v2")
	clk.Advance(9*time.Minute + 30*time.Second)
	assert.Equal(t, "v1", value(t, cache, "db"), "close to expiry: the cached value, at once")
	require.Eventually(t, func() bool { return cache.Stats().Fetches == 2 && srv.Requests() == 2 }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { out, _ := cache.Get(ctx, "db"); return out.SecretData == "v2" }, 5*time.Second, time.Millisecond)
	clk.Advance(9 * time.Minute) // past the old expiry, within the refreshed TTL
	assert.Equal(t, "v2", value(t, cache, "db"))
	assert.Equal(t, 2, srv.Requests(), "the refreshed entry never expired on a caller")
}

func TestCacheStaleWithinMaxStale(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: 5 * time.Minute})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	for i := 0; i < 20; i++ {
		srv.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	}
	clk.Advance(11 * time.Minute)
	assert.Equal(t, "v1", value(t, cache, "db"), "KMS fails: the stale value within MaxStale")
	requests := srv.Requests()
	assert.Equal(t, "v1", value(t, cache, "db"))
	assert.Equal(t, requests, srv.Requests(), "right after a failure, stale is served without asking again")
	clk.Advance(2 * time.Minute)
	assert.Equal(t, "v1", value(t, cache, "db"))
	assert.Greater(t, srv.Requests(), requests, "later, it tries again")
	clk.Advance(3 * time.Minute) // 16 minutes: past TTL + MaxStale
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Positive(t, cache.Stats().Stale)
	assert.Positive(t, cache.Stats().Errors)
}

func TestCacheNoStaleByDefault(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: time.Minute})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	clk.Advance(2 * time.Minute)
	srv.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"}, kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	_, err = cache.Get(ctx, "db")
	require.ErrorIs(t, err, signer.ErrServiceUnavailable, "errors are not cached: a second request")
	assert.Equal(t, 3, srv.Requests())
	assert.Equal(t, "v1", value(t, cache, "db"))
}

func TestCacheSingleFlight(t *testing.T) {
	srv, cache, _ := newCache(t, kms.CacheOptions{})
	srv.PutSecretValue("db", "v1")
	srv.FailNext(kmstest.Fault{Delay: 100 * time.Millisecond}) // a slow fetch everyone joins
	var wg sync.WaitGroup
	results := make(chan string, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := cache.Get(ctx, "db")
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			results <- out.SecretData
		}()
	}
	// One caller gives up while the fetch is under way.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err := cache.Get(short, "db")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	wg.Wait()
	close(results)
	for r := range results {
		assert.Equal(t, "v1", r)
	}
	assert.Equal(t, 1, srv.Requests(), "exactly one request for 101 callers")
}

func TestCacheLRU(t *testing.T) {
	srv, cache, _ := newCache(t, kms.CacheOptions{MaxEntries: 2})
	for _, n := range []string{"a", "b", "c"} {
		srv.PutSecretValue(n, "value-"+n)
	}
	value(t, cache, "a")
	value(t, cache, "b")
	value(t, cache, "a") // a is now the most recent
	value(t, cache, "c") // evicts b
	assert.Equal(t, 3, srv.Requests())
	assert.Equal(t, 2, cache.Stats().Entries)
	assert.Equal(t, int64(1), cache.Stats().Evictions)
	value(t, cache, "a")
	assert.Equal(t, 3, srv.Requests(), "a stayed")
	value(t, cache, "b")
	assert.Equal(t, 4, srv.Requests(), "b was evicted")
}

func TestCacheNegative(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{NegativeTTL: time.Minute})
	_, err := cache.Get(ctx, "missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	_, err = cache.Get(ctx, "missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	assert.Equal(t, 1, srv.Requests(), "not-found cached for NegativeTTL")
	srv.PutSecretValue("missing", "now here")
	clk.Advance(2 * time.Minute)
	assert.Equal(t, "now here", value(t, cache, "missing"))

	srv2, byDefault, _ := newCache(t, kms.CacheOptions{})
	for i := 0; i < 2; i++ {
		_, err = byDefault.Get(ctx, "missing")
		require.ErrorIs(t, err, kms.ErrSecretNotFound)
	}
	assert.Equal(t, 2, srv2.Requests(), "not cached by default")
}

func TestCacheStagesRefreshInvalidate(t *testing.T) {
	srv, cache, _ := newCache(t, kms.CacheOptions{})
	srv.PutSecretValue("db", "v1")
	srv.PutSecretValue("db", "v2")
	prev, err := cache.GetVersionStage(ctx, "db", "ACSPrevious")
	require.NoError(t, err)
	assert.Equal(t, "v1", prev.SecretData)
	assert.Equal(t, "v2", value(t, cache, "db"))
	srv.PutSecretValue("db", "v3") // a rotation hook fires
	out, err := cache.Refresh(ctx, "db")
	require.NoError(t, err)
	assert.Equal(t, "v3", out.SecretData)
	assert.Equal(t, "v3", value(t, cache, "db"))
	requests := srv.Requests()
	prev, err = cache.GetVersionStage(ctx, "db", "ACSPrevious")
	require.NoError(t, err)
	assert.Equal(t, "v2", prev.SecretData, "Refresh dropped the other stages too")
	assert.Equal(t, requests+1, srv.Requests())
	cache.Invalidate("db")
	value(t, cache, "db")
	assert.Equal(t, requests+2, srv.Requests())
}

func TestCacheCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
	srv.PutSecretValue("db", "v1")
	value(t, cache, "db")
	srv.FailNext(kmstest.Fault{Delay: time.Hour}) // the background refresh hangs
	clk.Advance(9*time.Minute + 30*time.Second)
	value(t, cache, "db")
	require.Eventually(t, func() bool { return srv.Requests() == 2 }, 5*time.Second, time.Millisecond)
	cache.Close() // cancels the hung refresh and waits for it
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, kms.ErrCacheClosed)
	srv.Close()
	srv.HTTPClient().CloseIdleConnections()
	// Polled here, not with require.Eventually, whose condition runs in a
	// goroutine of its own.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left after Close")
}

func TestCacheHitAllocatesNothing(t *testing.T) {
	srv, cache, _ := newCache(t, kms.CacheOptions{})
	srv.PutSecretValue("db", "v1")
	value(t, cache, "db")
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := cache.Get(ctx, "db"); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

func TestCacheWithoutClient(t *testing.T) {
	cache := kms.NewCache(nil, kms.CacheOptions{})
	defer cache.Close()
	_, err := cache.Get(ctx, "db")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no client")
}

// hitCache returns a cache already holding "db".
func hitCache(b *testing.B) *kms.Cache {
	b.Helper()
	srv := kmstest.NewServer()
	b.Cleanup(srv.Close)
	srv.PutSecretValue("db", "v1")
	c, err := srv.Client()
	require.NoError(b, err)
	cache := kms.NewCache(c, kms.CacheOptions{})
	b.Cleanup(cache.Close)
	_, err = cache.Get(ctx, "db")
	require.NoError(b, err)
	return cache
}

func BenchmarkCacheHit(b *testing.B) {
	cache := hitCache(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cache.Get(ctx, "db"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheHitParallel(b *testing.B) {
	cache := hitCache(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := cache.Get(ctx, "db"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
