package kms_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

func TestCacheTTL(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	srv.PutSecretValue("db", "v2") // rotated underneath
	clk.Advance(10*time.Minute - 1)
	assert.Equal(t, "v1", value(t, cache, "db"), "within the TTL: no request")
	assert.Equal(t, 1, srv.Requests())
	clk.Advance(1)
	assert.Equal(t, "v2", value(t, cache, "db"), "expired: fetched again")
	assert.Equal(t, 2, srv.Requests())
	st := cache.Stats()
	assert.Equal(t, int64(1), st.Hits)
	assert.Equal(t, int64(2), st.Misses)
	assert.Equal(t, int64(2), st.Fetches)
}

func TestCacheJitteredExpiry(t *testing.T) {
	const ttl = 10 * time.Minute
	for _, tc := range []struct {
		name   string
		rand   float64
		expiry time.Duration
	}{
		{"lowest draw: 0.9 TTL", 0, 9 * time.Minute},
		{"middle draw: TTL", 0.5, ttl},
		{"high draw: just under 1.1 TTL", 0.75, 10*time.Minute + 30*time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeKMS()
			cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: ttl, RefreshAhead: -1})
			kms.SetCacheRand(cache, func() float64 { return tc.rand })
			value(t, cache, "db")
			clk.Advance(tc.expiry - 1)
			value(t, cache, "db")
			fetches, _ := f.count()
			assert.Equal(t, 1, fetches, "before the drawn expiry: a hit")
			clk.Advance(1)
			value(t, cache, "db")
			fetches, _ = f.count()
			assert.Equal(t, 2, fetches, "at the drawn expiry: fetched")
		})
	}
}

func TestCacheRefreshAhead(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	srv.PutSecretValue("db", "v2")
	clk.Advance(9*time.Minute - 1)
	assert.Equal(t, "v1", value(t, cache, "db"))
	kms.WaitCacheFetches(cache)
	assert.Equal(t, 1, srv.Requests(), "before the window: no refresh")
	clk.Advance(1) // the window's first instant
	assert.Equal(t, "v1", value(t, cache, "db"), "close to expiry: the cached value, at once")
	kms.WaitCacheFetches(cache)
	assert.Equal(t, 2, srv.Requests(), "one background refresh")
	assert.Equal(t, int64(2), cache.Stats().Fetches)
	assert.Equal(t, "v2", value(t, cache, "db"), "the refreshed value")
	clk.Advance(9*time.Minute - 1) // past the old expiry, before the new window
	assert.Equal(t, "v2", value(t, cache, "db"))
	kms.WaitCacheFetches(cache)
	assert.Equal(t, 2, srv.Requests(), "the refreshed entry never expired on a caller")
	assert.Zero(t, cache.Stats().Misses-1, "only the first load waited")
}

func TestCacheRefreshAheadAtLeastHalfTTL(t *testing.T) {
	for _, ahead := range []time.Duration{5 * time.Minute, 10 * time.Minute, time.Hour} {
		t.Run(ahead.String(), func(t *testing.T) {
			f := newFakeKMS()
			cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: ahead})
			value(t, cache, "db")
			for i := 0; i < 3; i++ {
				value(t, cache, "db")
			}
			clk.Advance(5*time.Minute - 1)
			value(t, cache, "db")
			kms.WaitCacheFetches(cache)
			fetches, _ := f.count()
			assert.Equal(t, 1, fetches, "taken as TTL/2: no refresh in the first half")
			clk.Advance(1)
			value(t, cache, "db")
			value(t, cache, "db")
			kms.WaitCacheFetches(cache)
			fetches, background := f.count()
			assert.Equal(t, 2, fetches, "one refresh from TTL/2")
			assert.Equal(t, 1, background)
		})
	}
}

// Concurrent hits while a refresh-ahead fetch runs make that one fetch,
// and none of them waits for it.
func TestCacheRefreshAheadOneFetchWhileInFlight(t *testing.T) {
	f := newFakeKMS()
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
	assert.Equal(t, "value-1", value(t, cache, "db"))
	hold := make(chan struct{})
	f.set(func(f *fakeKMS) { f.hold, f.version = hold, 2 })
	clk.Advance(9*time.Minute + 30*time.Second)
	var wg sync.WaitGroup
	got := make(chan string, 64)
	within(t, 10*time.Second, "hits during a held refresh", func() {
		for i := 0; i < cap(got); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := cache.Get(ctx, "db")
				if assert.NoError(t, err) {
					got <- out.SecretData
				}
			}()
		}
		wg.Wait()
	})
	close(got)
	for v := range got {
		assert.Equal(t, "value-1", v)
	}
	close(hold)
	kms.WaitCacheFetches(cache)
	fetches, background := f.count()
	assert.Equal(t, 2, fetches, "64 hits, one refresh")
	assert.Equal(t, 1, background)
	assert.Equal(t, "value-2", value(t, cache, "db"))
}

// Within MaxStale an expired value is returned at once while one
// background fetch runs: the fetch is held and the Gets still return.
func TestCacheStaleWhileRevalidate(t *testing.T) {
	f := newFakeKMS()
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: 5 * time.Minute})
	assert.Equal(t, "value-1", value(t, cache, "db"))
	hold, started := make(chan struct{}), make(chan struct{}, 2)
	f.set(func(f *fakeKMS) { f.hold, f.started, f.version = hold, started, 2 })
	clk.Advance(14 * time.Minute)
	within(t, 10*time.Second, "stale Gets during a held fetch", func() {
		for i := 0; i < 50; i++ {
			out, err := cache.Get(ctx, "db")
			if assert.NoError(t, err) {
				assert.Equal(t, "value-1", out.SecretData)
			}
		}
	})
	<-started // the revalidation is under way (and held)
	fetches, background := f.count()
	assert.Equal(t, 2, fetches, "one revalidation for 50 stale Gets")
	assert.Equal(t, 1, background)
	assert.Equal(t, int64(50), cache.Stats().Stale)
	assert.Equal(t, int64(1), cache.Stats().Misses, "only the first load waited")
	close(hold)
	kms.WaitCacheFetches(cache)
	fetches, _ = f.count()
	assert.Equal(t, 2, fetches, "still one revalidation")
	assert.Equal(t, "value-2", value(t, cache, "db"))
}

func TestCacheStaleEndsAtMaxStale(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: 5 * time.Minute})
	srv.PutSecretValue("db", "v1")
	assert.Equal(t, "v1", value(t, cache, "db"))
	for i := 0; i < 20; i++ {
		srv.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	}
	clk.Advance(15*time.Minute - 1)
	assert.Equal(t, "v1", value(t, cache, "db"), "KMS fails: the stale value within MaxStale")
	kms.WaitCacheFetches(cache)
	clk.Advance(1) // past TTL + MaxStale: the caller waits for a fetch, which fails
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Equal(t, int64(2), cache.Stats().Errors)
}

// After a failed background fetch, the next waits a growing, jittered
// delay, at least the service's retry-after, while the stale value is
// served; success starts over.
func TestCacheRevalidateBackoff(t *testing.T) {
	const step = 50 * time.Millisecond
	for _, tc := range []struct {
		name string
		rand float64
		err  error
		want []time.Duration // gaps between background fetches
	}{
		{"growing, jitter at the middle", 0.5, &kms.APIError{StatusCode: 503, Code: "ServiceUnavailable"},
			[]time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second, 12 * time.Second, 24 * time.Second, 45 * time.Second}},
		{"jitter at the bottom", 0, &kms.APIError{StatusCode: 503, Code: "ServiceUnavailable"},
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second}},
		{"retry-after is the least wait", 0, &kms.APIError{StatusCode: 400, Code: "Throttling", RetryAfter: 5 * time.Second},
			[]time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second}},
		{"a wrapped error still counts", 0, context.DeadlineExceeded,
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeKMS()
			cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: time.Hour})
			value(t, cache, "db")
			kms.SetCacheRand(cache, func() float64 { return tc.rand })
			f.set(func(f *fakeKMS) { f.err = tc.err })
			clk.Advance(10 * time.Minute)
			var last time.Time
			var gaps []time.Duration
			for len(gaps) < len(tc.want) {
				before, _ := f.count()
				assert.Equal(t, "value-1", value(t, cache, "db"))
				kms.WaitCacheFetches(cache)
				if after, _ := f.count(); after > before {
					require.Equal(t, before+1, after)
					if !last.IsZero() {
						gaps = append(gaps, clk.Now().Sub(last))
					}
					last = clk.Now()
				}
				clk.Advance(step)
			}
			assert.Equal(t, tc.want, gaps)
			f.set(func(f *fakeKMS) { f.err, f.version = nil, 2 })
			for value(t, cache, "db") != "value-2" {
				kms.WaitCacheFetches(cache)
				clk.Advance(step)
			}
			f.set(func(f *fakeKMS) { f.err = tc.err })
			clk.Advance(10*time.Minute + time.Minute) // expired again: the first delay again
			before, _ := f.count()
			value(t, cache, "db")
			kms.WaitCacheFetches(cache)
			clk.Advance(tc.want[0] - 1)
			value(t, cache, "db")
			kms.WaitCacheFetches(cache)
			after, _ := f.count()
			assert.Equal(t, before+1, after, "no second try before the first delay")
			clk.Advance(1)
			value(t, cache, "db")
			kms.WaitCacheFetches(cache)
			after, _ = f.count()
			assert.Equal(t, before+2, after, "success reset the backoff")
		})
	}
}

func TestCacheRetryDelayBounds(t *testing.T) {
	cache := kms.NewCache(nil, kms.CacheOptions{})
	defer cache.Close()
	kms.SetCacheRand(cache, func() float64 { return 0.999999 })
	for failures, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 6: 32 * time.Second, 7: time.Minute, 100: time.Minute} {
		d := kms.CacheRetryDelay(cache, failures, nil)
		assert.Less(t, d, want, "failure %d", failures)
		assert.Greater(t, d, want-want/1000, "failure %d", failures)
	}
	huge := &kms.APIError{Code: "Throttling", RetryAfter: math.MaxInt64}
	assert.Equal(t, time.Hour, kms.CacheRetryDelay(cache, 1, huge), "a broken retry-after is capped")
}

// A TTL or MaxStale of "forever" (math.MaxInt64) must not overflow into
// the past.
func TestCacheHugeDurations(t *testing.T) {
	f := newFakeKMS()
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: math.MaxInt64, MaxStale: math.MaxInt64})
	kms.SetCacheRand(cache, func() float64 { return 0.999999 })
	value(t, cache, "db")
	clk.Advance(50 * 365 * 24 * time.Hour)
	value(t, cache, "db")
	kms.WaitCacheFetches(cache)
	fetches, _ := f.count()
	assert.Equal(t, 1, fetches, "fifty years later: still a hit")
}

// A background fetch is one request even when the client retries: a
// cache that can serve a value must not add retries to a failing service.
func TestCacheBackgroundFetchMakesOneAttempt(t *testing.T) {
	defaultRetries := func(o *kms.Options) {} // RetryMaxAttempts 3
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: time.Hour}, defaultRetries)
	srv.PutSecretValue("db", "v1")
	value(t, cache, "db")
	srv.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"}, kmstest.Fault{Status: 503, Code: "ServiceUnavailable"},
		kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	clk.Advance(11 * time.Minute)
	assert.Equal(t, "v1", value(t, cache, "db"))
	kms.WaitCacheFetches(cache)
	assert.Equal(t, 2, srv.Requests(), "one attempt in the background")

	// A caller who must wait gets the client's retries.
	srv2, waiting, clk3 := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1}, defaultRetries)
	srv2.PutSecretValue("db", "v1")
	value(t, waiting, "db")
	srv2.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"}, kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	clk3.Advance(11 * time.Minute)
	assert.Equal(t, "v1", value(t, waiting, "db"))
	assert.Equal(t, 4, srv2.Requests(), "two failures and a success, retried by the client")
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

// A secret deleted while a background fetch runs stops being served, even
// stale.
func TestCacheDeletedDuringBackgroundRefresh(t *testing.T) {
	for _, tc := range []struct {
		name    string
		advance time.Duration
	}{
		{"refresh ahead", 9*time.Minute + 30*time.Second},
		{"stale while revalidate", 12 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute, MaxStale: time.Hour})
			srv.PutSecretValue("db", "v1")
			assert.Equal(t, "v1", value(t, cache, "db"))
			srv.DeleteSecret("db")
			clk.Advance(tc.advance)
			assert.Equal(t, "v1", value(t, cache, "db"), "served while the refresh runs")
			kms.WaitCacheFetches(cache)
			require.Equal(t, 2, srv.Requests())
			_, err := cache.Get(ctx, "db")
			require.ErrorIs(t, err, kms.ErrSecretNotFound, "the deleted value is not served again")
			assert.Equal(t, 3, srv.Requests(), "not found is not cached by default")
		})
	}
}

func TestCacheSingleFlight(t *testing.T) {
	f := newFakeKMS()
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	hold := make(chan struct{})
	f.set(func(f *fakeKMS) { f.hold = hold })
	var wg sync.WaitGroup
	results := make(chan string, 100)
	for i := 0; i < cap(results); i++ {
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
	require.Eventually(t, func() bool { return cache.Stats().Misses == 100 }, 10*time.Second, time.Millisecond, "all callers waiting")
	// One caller gives up while the fetch is under way.
	gaveUp, cancel := context.WithCancel(ctx)
	cancel()
	_, err := cache.Get(gaveUp, "db")
	require.ErrorIs(t, err, context.Canceled)
	close(hold)
	wg.Wait()
	close(results)
	for r := range results {
		assert.Equal(t, "value-1", r)
	}
	fetches, _ := f.count()
	assert.Equal(t, 1, fetches, "exactly one fetch for 101 callers")
	//lint:ignore SA1012 a nil context is a caller's mistake the cache survives
	_, err = cache.Get(nil, "db")
	require.NoError(t, err)
}

// Callers that waited for one failed fetch each get their own error.
func TestCacheSingleFlightErrorIsEachCallers(t *testing.T) {
	f := newFakeKMS()
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	hold := make(chan struct{})
	f.set(func(f *fakeKMS) {
		f.hold = hold
		f.err = &kms.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 403, Code: "Forbidden.NoPermission"}
	})
	errs := make(chan *kms.APIError, 2)
	var wg sync.WaitGroup
	for i := 0; i < cap(errs); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := cache.Get(ctx, "db")
			var ae *kms.APIError
			if !errors.As(err, &ae) {
				t.Errorf("want an *APIError, got %v", err)
				return
			}
			errs <- ae
		}()
	}
	require.Eventually(t, func() bool { return cache.Stats().Misses == 2 }, 10*time.Second, time.Millisecond, "both callers waiting")
	close(hold)
	wg.Wait()
	close(errs)
	first, second := <-errs, <-errs
	require.NotNil(t, second)
	assert.NotSame(t, first, second)
	first.Code = "Changed"
	assert.Equal(t, "Forbidden.NoPermission", second.Code)
	fetches, _ := f.count()
	assert.Equal(t, 1, fetches)
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
	value(t, cache, "b") // evicts c: a was used after c came in
	assert.Equal(t, 4, srv.Requests(), "b was evicted")
	value(t, cache, "a")
	assert.Equal(t, 4, srv.Requests(), "a stayed again")
	value(t, cache, "c")
	assert.Equal(t, 5, srv.Requests(), "c was evicted")
}

func TestCacheNegative(t *testing.T) {
	srv, cache, clk := newCache(t, kms.CacheOptions{NegativeTTL: time.Minute})
	_, err := cache.Get(ctx, "missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	_, err = cache.Get(ctx, "missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	assert.Equal(t, 1, srv.Requests(), "not-found cached for NegativeTTL")
	srv.PutSecretValue("missing", "now here")
	clk.Advance(time.Minute)
	assert.Equal(t, "now here", value(t, cache, "missing"))

	srv2, byDefault, _ := newCache(t, kms.CacheOptions{})
	// Each caller gets its own copy of the cached error.
	_, err = cache.Get(ctx, "gone") // fetched and cached
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	_, err = cache.Get(ctx, "gone") // served from the cache
	var first *kms.APIError
	require.ErrorAs(t, err, &first)
	first.Code, first.Message = "Changed", "changed by a caller"
	hits := cache.Stats().Hits
	_, err = cache.Get(ctx, "gone")
	assert.Equal(t, hits+1, cache.Stats().Hits, "served from the cache")
	var second *kms.APIError
	require.ErrorAs(t, err, &second)
	assert.NotSame(t, first, second)
	assert.Equal(t, "Forbidden.ResourceNotFound", second.Code)
	require.ErrorIs(t, err, kms.ErrSecretNotFound)

	for i := 0; i < 2; i++ {
		_, err = byDefault.Get(ctx, "missing")
		require.ErrorIs(t, err, kms.ErrSecretNotFound)
	}
	assert.Equal(t, 2, srv2.Requests(), "not cached by default")
}

func TestCacheStageEmptyIsCurrent(t *testing.T) {
	srv, cache, _ := newCache(t, kms.CacheOptions{})
	srv.PutSecretValue("db", "v1")
	for _, stage := range []string{"", "ACSCurrent", ""} {
		out, err := cache.GetVersionStage(ctx, "db", stage)
		require.NoError(t, err)
		assert.Equal(t, "v1", out.SecretData)
	}
	assert.Equal(t, "v1", value(t, cache, "db"))
	assert.Equal(t, 1, srv.Requests(), "one entry for \"\" and ACSCurrent")
	assert.Equal(t, 1, cache.Stats().Entries)
}

func TestCacheEmptyName(t *testing.T) {
	_, cache, _ := newCache(t, kms.CacheOptions{})
	_, err := cache.Get(ctx, "")
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	_, err = cache.Refresh(ctx, "")
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Zero(t, cache.Stats().Entries)
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
	assert.Zero(t, cache.Stats().Entries)
	value(t, cache, "db")
	assert.Equal(t, requests+2, srv.Requests())
}

// Refresh does not settle for a fetch that started before it.
func TestCacheRefreshWaitsOutRunningFetch(t *testing.T) {
	f := newFakeKMS()
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
	value(t, cache, "db")
	hold, started := make(chan struct{}), make(chan struct{}, 1)
	f.set(func(f *fakeKMS) { f.hold, f.started = hold, started })
	clk.Advance(9*time.Minute + 30*time.Second)
	value(t, cache, "db") // starts a refresh that reads version 1
	<-started
	f.set(func(f *fakeKMS) { f.version, f.hold, f.started = 2, nil, nil }) // rotated after it began
	got := make(chan string, 1)
	go func() {
		out, err := cache.Refresh(ctx, "db")
		if assert.NoError(t, err) {
			got <- out.SecretData
		}
		close(got)
	}()
	close(hold)
	assert.Equal(t, "value-2", <-got)
	fetches, _ := f.count()
	assert.Equal(t, 3, fetches)
}

func TestCacheCloseWhileFetchHangs(t *testing.T) {
	f := newFakeKMS()
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	started := make(chan struct{}, 1)
	f.set(func(f *fakeKMS) { f.hold, f.started = make(chan struct{}), started }) // never released
	errs := make(chan error, 1)
	go func() {
		_, err := cache.Get(ctx, "db")
		errs <- err
	}()
	<-started
	within(t, 10*time.Second, "Close with a hung fetch", cache.Close)
	require.ErrorIs(t, <-errs, kms.ErrCacheClosed, "the waiting caller is told")
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, kms.ErrCacheClosed)
	_, err = cache.Refresh(ctx, "db")
	require.ErrorIs(t, err, kms.ErrCacheClosed)
	cache.Close() // again: no effect
}

func TestCacheCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, cache, clk := newCache(t, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
	srv.PutSecretValue("db", "v1")
	value(t, cache, "db")
	srv.FailNext(kmstest.Fault{Delay: time.Hour}) // the background refresh hangs
	clk.Advance(9*time.Minute + 30*time.Second)
	value(t, cache, "db")
	require.Eventually(t, func() bool { return srv.Requests() == 2 }, 10*time.Second, time.Millisecond)
	within(t, 10*time.Second, "Close", cache.Close) // cancels the hung refresh and waits for it
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, kms.ErrCacheClosed)
	srv.Close()
	srv.HTTPClient().CloseIdleConnections()
	// Polled here, not with require.Eventually, whose condition runs in a
	// goroutine of its own.
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left after Close")
}

// No hit count is lost, across goroutines and across GCs.
func TestCacheStatsCountEveryHit(t *testing.T) {
	f := newFakeKMS()
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: time.Hour})
	_, err := cache.Get(ctx, "db")
	require.NoError(t, err)
	const goroutines, each = 8, 500
	run := func() {
		var wg sync.WaitGroup
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					if i == each/2 {
						runtime.GC()
					}
					if _, err := cache.Get(ctx, "db"); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	run()
	st := cache.Stats()
	assert.Equal(t, int64(goroutines*each), st.Hits)
	assert.Zero(t, st.Stale)
	clk.Advance(11 * time.Minute)                            // expired, within MaxStale
	f.set(func(f *fakeKMS) { f.hold = make(chan struct{}) }) // the revalidation hangs: every Get is stale
	run()
	st = cache.Stats()
	assert.Equal(t, int64(goroutines*each), st.Hits, "stale serves are not hits")
	assert.Equal(t, int64(goroutines*each), st.Stale)
	assert.Equal(t, int64(1), st.Misses)
}

func TestCacheWithoutClient(t *testing.T) {
	cache := kms.NewCache(nil, kms.CacheOptions{})
	defer cache.Close()
	_, err := cache.Get(ctx, "db")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no client")
}

// A fetch that returns neither a value nor an error (a broken test double,
// say) is an error for the caller, never a nil output.
func TestCacheFetchWithoutValue(t *testing.T) {
	cache := kms.NewCache(nil, kms.CacheOptions{})
	defer cache.Close()
	kms.SetCacheFetch(cache, func(context.Context, string, string, bool) (*kms.GetSecretValueOutput, error) { return nil, nil })
	_, err := cache.Get(ctx, "db")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no value")
	assert.Equal(t, int64(1), cache.Stats().Errors)
}

func TestCacheRefreshContext(t *testing.T) {
	f := newFakeKMS()
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	//lint:ignore SA1012 a nil context is a caller's mistake the cache survives
	out, err := cache.Refresh(nil, "db")
	require.NoError(t, err)
	assert.Equal(t, "value-1", out.SecretData)

	hold, started := make(chan struct{}), make(chan struct{}, 2)
	f.set(func(f *fakeKMS) { f.hold, f.started = hold, started })
	gaveUp, cancel := context.WithCancel(ctx)
	errs := make(chan error, 1)
	go func() {
		_, err := cache.Refresh(gaveUp, "db")
		errs <- err
	}()
	<-started
	cancel()
	require.ErrorIs(t, <-errs, context.Canceled, "the caller's context ends its wait")
	close(hold)
	kms.WaitCacheFetches(cache)
	fetches, _ := f.count()
	assert.Equal(t, 2, fetches)
}

// Refresh behind a running fetch: a failure of that fetch is not
// Refresh's answer (it fetches again), but the end of its context is.
func TestCacheRefreshBehindRunningFetch(t *testing.T) {
	for _, tc := range []struct {
		name       string
		runningErr error
		cancel     bool
		want       string
	}{
		{"the running fetch fails", &kms.APIError{StatusCode: 503, Code: "ServiceUnavailable"}, false, "value-2"},
		{"the caller gives up", nil, true, `error: kms Cache.Refresh "db": context canceled`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeKMS()
			cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute})
			value(t, cache, "db")
			hold, started := make(chan struct{}), make(chan struct{}, 1)
			f.set(func(f *fakeKMS) { f.hold, f.started, f.err = hold, started, tc.runningErr })
			clk.Advance(9*time.Minute + 30*time.Second)
			value(t, cache, "db") // a background refresh, held
			<-started
			f.set(func(f *fakeKMS) { f.version, f.started, f.err = 2, nil, nil })
			refreshCtx, cancel := context.WithCancel(ctx)
			got := make(chan string, 1)
			go func() {
				if out, err := cache.Refresh(refreshCtx, "db"); err != nil {
					got <- "error: " + err.Error()
				} else {
					got <- out.SecretData
				}
			}()
			if tc.cancel {
				cancel()
			} else {
				close(hold)
			}
			select {
			case v := <-got:
				assert.Equal(t, tc.want, v)
			case <-time.After(10 * time.Second):
				t.Fatal("Refresh did not return") // liveness bound
			}
			cancel()
			if tc.cancel {
				close(hold)
			}
		})
	}
}
