package kms_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
)

// refreshErrors records OnRefreshError calls.
type refreshErrors struct {
	mu   sync.Mutex
	errs []string // "name stage: error"
	last error
}

func (r *refreshErrors) onRefreshError(name, stage string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, name+" "+stage+": "+err.Error())
	r.last = err
}

func (r *refreshErrors) get() ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...), r.last
}

// advance moves the clock and waits for the fetches its timers started.
func advance(cache *kms.Cache, clk *clock, d time.Duration) {
	clk.Advance(d)
	kms.WaitCacheFetches(cache)
}

// With RefreshInterval, a rotation reaches OnChange with no Get at all.
func TestCacheRefreshIntervalFiresOnChange(t *testing.T) {
	f := newFakeKMS()
	log := &changeLog{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshInterval: time.Minute, OnChange: log.onChange})
	log.cache = cache
	assert.Equal(t, "value-1", value(t, cache, "db"))
	require.NoError(t, cache.Preload(ctx, "api-key"))
	assert.Equal(t, 2, clk.Timers(), "one timer per entry holding a value")

	advance(cache, clk, time.Minute-1)
	fetches, _ := f.count()
	assert.Equal(t, 2, fetches, "before the interval: nothing")
	advance(cache, clk, 1)
	fetches, background := f.count()
	assert.Equal(t, 4, fetches, "each entry fetched again, with no Get")
	assert.Equal(t, 2, background, "as background fetches: one attempt each")
	assert.Empty(t, log.get(), "same version")

	f.set(func(f *fakeKMS) { f.version = 2 })
	advance(cache, clk, time.Minute)
	changes := log.get()
	require.Len(t, changes, 2, "OnChange with no Get")
	assert.ElementsMatch(t, []change{{"db", "ACSCurrent", "v-1", "v-2"}, {"api-key", "ACSCurrent", "v-1", "v-2"}}, changes)
	assert.Equal(t, int64(1), cache.Stats().Misses, "only the first Get waited")

	// Close stops the timers: time passes, nothing is fetched.
	cache.Close()
	assert.Zero(t, clk.Timers(), "Close stops every timer")
	fetches, _ = f.count()
	advance(cache, clk, time.Hour)
	after, _ := f.count()
	assert.Equal(t, fetches, after, "no refresh after Close")
}

// Each wait is drawn within the interval +-10%, from the cache's source.
func TestCacheRefreshIntervalJitter(t *testing.T) {
	for _, tc := range []struct {
		rand float64
		wait time.Duration
	}{{0, 54 * time.Second}, {0.5, time.Minute}, {0.75, 63 * time.Second}} {
		t.Run(tc.wait.String(), func(t *testing.T) {
			f := newFakeKMS()
			cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: time.Hour, RefreshInterval: time.Minute})
			kms.SetCacheRand(cache, func() float64 { return tc.rand })
			value(t, cache, "db")
			advance(cache, clk, tc.wait-1)
			fetches, _ := f.count()
			assert.Equal(t, 1, fetches)
			advance(cache, clk, 1)
			fetches, _ = f.count()
			assert.Equal(t, 2, fetches, "refreshed at the drawn wait")
		})
	}
}

// Caches built together spread their refreshes over the jitter window.
func TestCacheRefreshIntervalSpreadsAFleet(t *testing.T) {
	const n = 200
	clk := newClock()
	var mu sync.Mutex
	first := map[int]time.Duration{}
	start := clk.Now()
	caches := make([]*kms.Cache, n)
	for i := range caches {
		cache := kms.NewCache(nil, kms.CacheOptions{TTL: time.Hour, RefreshInterval: time.Minute, Clock: clk.Now})
		fetched := 0
		kms.SetCacheFetch(cache, func(_ context.Context, name, _ string, _ bool) (*kms.GetSecretValueOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			if fetched++; fetched == 2 {
				first[i] = clk.Now().Sub(start)
			}
			return &kms.GetSecretValueOutput{SecretName: name, VersionID: "v1"}, nil
		})
		kms.SetCacheRand(cache, rand.New(rand.NewPCG(uint64(i), 7)).Float64)
		kms.SetCacheTimers(cache, clk.AfterFunc)
		t.Cleanup(cache.Close)
		value(t, cache, "db")
		caches[i] = cache
	}
	bins := map[time.Duration]int{}
	for clk.Now().Sub(start) < 70*time.Second {
		clk.Advance(100 * time.Millisecond)
		for _, c := range caches {
			kms.WaitCacheFetches(c)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, first, n, "every cache refreshed once within 1.1 intervals")
	var lo, hi time.Duration = time.Hour, 0
	for _, at := range first {
		bins[at/time.Second]++
		lo, hi = min(lo, at), max(hi, at)
	}
	most := 0
	for _, c := range bins {
		most = max(most, c)
	}
	t.Logf("%d caches: first refreshes from %v to %v, at most %d in one second", n, lo, hi, most)
	assert.GreaterOrEqual(t, lo, 54*time.Second)
	assert.LessOrEqual(t, hi, 66*time.Second)
	assert.Greater(t, hi-lo, 10*time.Second, "spread over the window")
	assert.LessOrEqual(t, most, n/6, "no second holds a crowd")
}

// A failed refresh is told to OnRefreshError and backs off as
// stale-while-revalidate does; success goes back to the interval.
func TestCacheRefreshIntervalBacksOff(t *testing.T) {
	f := newFakeKMS()
	rec := &refreshErrors{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: time.Hour, RefreshAhead: -1, RefreshInterval: time.Minute, OnRefreshError: rec.onRefreshError})
	value(t, cache, "db")
	throttled := &kms.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 429, Code: "Throttling", RetryAfter: 2 * time.Second}
	f.set(func(f *fakeKMS) { f.err = throttled })
	advance(cache, clk, time.Minute)
	errs, last := rec.get()
	require.Len(t, errs, 1)
	assert.Equal(t, `db ACSCurrent: `+throttled.Error(), errs[0])
	require.ErrorIs(t, last, kms.ErrThrottled)
	var ae *kms.APIError
	require.ErrorAs(t, last, &ae)
	assert.NotSame(t, throttled, ae, "the callback's own copy")

	// Backoff, with midJitter: 2s (the retry-after beats 750ms), then 2s
	// (beats 1.5s), then 3s, 6s.
	var gaps []time.Duration
	lastAt := clk.Now()
	for len(gaps) < 4 {
		before, _ := f.count()
		advance(cache, clk, 250*time.Millisecond)
		if after, _ := f.count(); after > before {
			gaps = append(gaps, clk.Now().Sub(lastAt))
			lastAt = clk.Now()
		}
	}
	assert.Equal(t, []time.Duration{2 * time.Second, 2 * time.Second, 3 * time.Second, 6 * time.Second}, gaps)
	errs, _ = rec.get()
	assert.Len(t, errs, 5, "told of each failure")
	assert.Equal(t, "value-1", value(t, cache, "db"), "the held value is served meanwhile")

	f.set(func(f *fakeKMS) { f.err, f.version = nil, 2 })
	advance(cache, clk, 12*time.Second) // the next backoff (with midJitter)
	assert.Equal(t, "value-2", value(t, cache, "db"))
	before, _ := f.count()
	advance(cache, clk, time.Minute-1)
	after, _ := f.count()
	assert.Equal(t, before, after, "back to the interval")
	advance(cache, clk, 1)
	after, _ = f.count()
	assert.Equal(t, before+1, after)
}

// Entries that hold no value get no timer; dropped entries lose theirs.
func TestCacheRefreshIntervalTimers(t *testing.T) {
	f := newFakeKMS()
	f.failing = map[string]error{"missing": notFound}
	cache, clk := fakeCache(t, f, kms.CacheOptions{RefreshInterval: time.Minute, NegativeTTL: time.Hour, MaxEntries: 2})
	_, err := cache.Get(ctx, "missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	assert.Zero(t, clk.Timers(), "nothing held: nothing to refresh")
	value(t, cache, "a")
	assert.Equal(t, 1, clk.Timers())
	cache.Invalidate("a")
	assert.Zero(t, clk.Timers(), "Invalidate stops the timer")
	value(t, cache, "a")
	value(t, cache, "b")
	value(t, cache, "c") // evicts one of them
	assert.Equal(t, 2, clk.Timers(), "eviction stops the timer")
	f.set(func(f *fakeKMS) { f.deleted = true })
	advance(cache, clk, time.Minute)
	assert.Zero(t, clk.Timers(), "a deleted secret is no longer refreshed")
}

// OnRefreshError hears of every failed background fetch (here a
// stale-while-revalidate one), never of a failure a caller was given.
func TestCacheOnRefreshErrorBackgroundOnly(t *testing.T) {
	f := newFakeKMS()
	rec := &refreshErrors{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: time.Minute, RefreshAhead: -1, MaxStale: time.Hour, OnRefreshError: rec.onRefreshError})
	unavailable := &kms.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 503, Code: "ServiceUnavailable"}
	f.set(func(f *fakeKMS) { f.err = unavailable })
	_, err := cache.Get(ctx, "db")
	require.ErrorIs(t, err, kms.ErrServiceUnavailable)
	errs, _ := rec.get()
	assert.Empty(t, errs, "the caller was told")
	f.set(func(f *fakeKMS) { f.err = nil })
	value(t, cache, "db")
	f.set(func(f *fakeKMS) { f.err = unavailable })
	clk.Advance(2 * time.Minute)
	assert.Equal(t, "value-1", value(t, cache, "db"), "stale, served at once")
	kms.WaitCacheFetches(cache)
	errs, last := rec.get()
	assert.Equal(t, []string{"db ACSCurrent: " + unavailable.Error()}, errs)
	assert.True(t, errors.Is(last, kms.ErrServiceUnavailable))
}
