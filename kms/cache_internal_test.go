package kms

import (
	"context"
	"fmt"
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
			SetCacheFetch(c, func(_ context.Context, name, _ string, bg bool) (*GetSecretValueOutput, error) {
				fetches++
				if bg {
					background++
				}
				return &GetSecretValueOutput{SecretName: name, SecretData: "fetched", VersionID: "v1"}, nil
			})
			key := cacheKey{"db", stageCurrent}
			c.mu.Lock()
			st := tc.state
			e, _ := c.acquire(key)
			e.state.Store(&st)
			c.mu.Unlock()
			out, err := c.miss(context.Background(), key)
			c.wg.Wait()
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want, out.SecretData)
			}
			assert.Equal(t, tc.background, fetches, "fetches")
			assert.Equal(t, tc.background, background, "all of them in the background")
			assert.Zero(t, c.counts[CacheMiss].Load(), "nobody waited")
		})
	}
}

// refreshDue starts no fetch for an entry that was dropped, has a fetch
// running, or whose cache closed: windows no outside test can hit on
// purpose.
func TestCacheRefreshDueGuards(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(c *Cache, e *entry)
		want  int
	}{
		{"due", func(*Cache, *entry) {}, 1},
		{"dropped", func(c *Cache, e *entry) { c.mu.Lock(); c.remove(e); c.mu.Unlock() }, 0},
		{"fetch running", func(_ *Cache, e *entry) { e.call.Store(&fetchCall{}) }, 0},
		{"closed", func(c *Cache, _ *entry) { c.closed.Store(true) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCache(nil, CacheOptions{})
			defer c.Close()
			var fetches int
			SetCacheFetch(c, func(_ context.Context, name, _ string, _ bool) (*GetSecretValueOutput, error) {
				fetches++
				return &GetSecretValueOutput{SecretName: name}, nil
			})
			c.mu.Lock()
			e, _ := c.acquire(cacheKey{"db", stageCurrent})
			c.mu.Unlock()
			tc.setup(c, e)
			c.refreshDue(e)
			c.wg.Wait()
			assert.Equal(t, tc.want, fetches)
		})
	}
}

// An insertion into a full cache compares a bounded number of entries,
// however many the cache holds, and evicts the least recently used of
// those it drew.
func TestCacheEvictionDrawsAFew(t *testing.T) {
	for _, size := range []int{16, 1024, 16384} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			c := NewCache(nil, CacheOptions{MaxEntries: size})
			defer c.Close()
			c.mu.Lock()
			defer c.mu.Unlock()
			for i := range size {
				c.acquire(cacheKey{fmt.Sprint(i), stageCurrent})
			}
			// Draw entries 7, 3, 11, 5, 9 of c.all (by position).
			positions := []int{7, 3, 11, 5, 9}
			draws := 0
			c.rand = func() float64 {
				p := positions[draws%len(positions)]
				draws++
				return (float64(p) + 0.5) / float64(len(c.all))
			}
			for _, p := range positions {
				c.all[p].used.Store(uint64(1000 + p)) // 3 is the oldest drawn
			}
			c.all[0].used.Store(1) // older, but not drawn
			want := c.all[3].key
			e, evicted := c.acquire(cacheKey{"new", stageCurrent})
			require.Len(t, evicted, 1)
			assert.Equal(t, want, evicted[0].key, "the least recent of the drawn")
			assert.Equal(t, evictionDraws, draws, "draws for one eviction")
			assert.Len(t, c.all, size)
			_, held := c.entries.Load(want)
			assert.False(t, held, "evicted from the map")
			assert.Equal(t, -1, evicted[0].index)
			for i, x := range c.all {
				require.Equal(t, i, x.index, "positions stay in step")
			}
			assert.Same(t, e, c.all[e.index])
		})
	}
}

// When every draw is the newcomer, another entry still goes.
func TestCacheEvictionNeverEvictsTheNewcomer(t *testing.T) {
	c := NewCache(nil, CacheOptions{MaxEntries: 10})
	defer c.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range 10 {
		c.acquire(cacheKey{fmt.Sprint(i), stageCurrent})
	}
	c.rand = func() float64 { return 0.9999 } // the last position: the newcomer
	e, evicted := c.acquire(cacheKey{"new", stageCurrent})
	require.Len(t, evicted, 1)
	assert.NotSame(t, e, evicted[0])
	assert.Len(t, c.all, 10)
	_, held := c.entries.Load(e.key)
	assert.True(t, held)
}

// A cache of up to 6 entries (5 and a newcomer) compares them all: exact
// LRU, whatever the draws would have been.
func TestCacheEvictionSmallCacheComparesAll(t *testing.T) {
	for _, size := range []int{1, 2, 5} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			c := NewCache(nil, CacheOptions{MaxEntries: size})
			defer c.Close()
			c.mu.Lock()
			defer c.mu.Unlock()
			for i := range size {
				c.acquire(cacheKey{fmt.Sprint(i), stageCurrent})
			}
			for i, e := range c.all {
				e.used.Store(uint64(100 - i)) // the last one is the least recent
			}
			c.rand = func() float64 { return 0 } // draws would all be position 0
			_, evicted := c.acquire(cacheKey{"new", stageCurrent})
			require.Len(t, evicted, 1)
			assert.Equal(t, fmt.Sprint(size-1), evicted[0].key.name)
		})
	}
}
