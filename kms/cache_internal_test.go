package kms

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fetch can end between a Get's lock-free look and its taking the lock.
// The miss path must then serve what the entry holds (and start a due
// refresh) instead of fetching again; no outside test can hit that window
// on purpose, so this one sets the entry up by hand.
func TestCacheMissServesWhatTheLockFinds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	held := &GetSecretValueOutput{SecretName: "db", SecretData: "held", VersionID: "v1"}
	for _, tc := range []struct {
		name       string
		state      entryState
		want       string
		wantErr    error
		background int
	}{
		{"fresh", entryState{out: held, expires: now.Add(time.Minute), refreshAt: now.Add(time.Second), staleUntil: now.Add(time.Minute)}, "held", nil, 0},
		{"due for refresh", entryState{out: held, expires: now.Add(time.Minute), refreshAt: now, staleUntil: now.Add(time.Minute)}, "held", nil, 1},
		{"stale, retry not yet due", entryState{out: held, expires: now, staleUntil: now.Add(time.Minute), retryAt: now.Add(time.Second)}, "held", nil, 0},
		{"cached not found", entryState{notFound: ErrSecretNotFound, expires: now.Add(time.Second)}, "", ErrSecretNotFound, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCache(nil, CacheOptions{Clock: func() time.Time { return now }})
			defer c.Close()
			var fetches, background int
			c.fetchFn = func(_ context.Context, key cacheKey, bg bool) (*GetSecretValueOutput, error) {
				fetches++
				if bg {
					background++
				}
				return &GetSecretValueOutput{SecretName: key.name, SecretData: "fetched", VersionID: "v1"}, nil
			}
			key := cacheKey{"db", stageCurrent}
			c.mu.Lock()
			st := tc.state
			c.acquire(key).state.Store(&st)
			c.mu.Unlock()
			out, err := c.miss(context.Background(), key)
			c.wg.Wait()
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want, out.SecretData())
			}
			assert.Equal(t, tc.background, fetches, "fetches")
			assert.Equal(t, tc.background, background, "all of them in the background")
			assert.Zero(t, c.stats.misses.Load(), "nobody waited")
		})
	}
}

// revalidate starts no fetch for an entry that changed since the hit read
// it, was dropped, or whose cache closed: windows no outside test can hit
// on purpose.
func TestCacheRevalidateGuards(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(c *Cache, e *entry, read *entryState)
		want  int
	}{
		{"due", func(*Cache, *entry, *entryState) {}, 1},
		{"changed since read", func(_ *Cache, e *entry, _ *entryState) { e.state.Store(&entryState{}) }, 0},
		{"dropped", func(c *Cache, e *entry, _ *entryState) { c.mu.Lock(); c.remove(e); c.mu.Unlock() }, 0},
		{"closed", func(c *Cache, _ *entry, _ *entryState) { c.closed.Store(true) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCache(nil, CacheOptions{})
			defer c.Close()
			var fetches int
			c.fetchFn = func(_ context.Context, key cacheKey, _ bool) (*GetSecretValueOutput, error) {
				fetches++
				return &GetSecretValueOutput{SecretName: key.name}, nil
			}
			c.mu.Lock()
			e := c.acquire(cacheKey{"db", stageCurrent})
			c.mu.Unlock()
			read := &entryState{}
			e.state.Store(read)
			tc.setup(c, e, read)
			c.revalidate(e, read)
			c.wg.Wait()
			assert.Equal(t, tc.want, fetches)
		})
	}
}

// Every core on one stripe, the worst case after unlucky GCs: the counts
// must still add up, so the stripes must add atomically.
func TestCacheCountersOneStripeManyCores(t *testing.T) {
	var s cacheCounters
	s.tokens.New = func() any { return &stripeToken{0} }
	const goroutines, each = 8, 20000
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(stale bool) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				s.hit(stale)
			}
		}(g%2 == 1)
	}
	wg.Wait()
	hits, stale := s.hot()
	assert.Equal(t, int64(goroutines/2*each), hits)
	assert.Equal(t, int64(goroutines/2*each), stale)
	assert.Equal(t, int64(goroutines/2*each), s.stripes[0].hits.Load(), "all on the one stripe")
}

// The stripe tokens name the stripes in turn.
func TestCacheCountersTokensTakeTurns(t *testing.T) {
	var s cacheCounters
	s.init()
	seen := map[uint32]int{}
	for i := 0; i < 2*counterStripes; i++ {
		seen[s.tokens.New().(*stripeToken).i]++
	}
	assert.Len(t, seen, counterStripes)
	for i, n := range seen {
		assert.Equal(t, 2, n, "stripe %d", i)
	}
}
