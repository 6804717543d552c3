package kms_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
)

// eventLog is a CacheObserver that keeps the events as text.
type eventLog struct {
	mu     sync.Mutex
	events []string
	raw    []kms.CacheEvent
}

func (l *eventLog) ObserveCache(e kms.CacheEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := fmt.Sprintf("%s %s %s", e.Kind, e.Name, e.Stage)
	if e.Kind == kms.CacheRefresh {
		s += fmt.Sprintf(" background=%v err=%v", e.Background, e.Err)
	}
	l.events = append(l.events, s)
	l.raw = append(l.raw, e)
}

// take returns the events since the last take.
func (l *eventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

func TestCacheObserverEvents(t *testing.T) {
	f := newFakeKMS()
	log := &eventLog{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, MaxStale: time.Hour,
		MaxEntries: 2, NegativeTTL: time.Minute, Observer: log})

	value(t, cache, "a")
	assert.Equal(t, []string{"miss a ACSCurrent", "refresh a ACSCurrent background=false err=<nil>"}, log.take())
	value(t, cache, "a")
	assert.Equal(t, []string{"hit a ACSCurrent"}, log.take())

	clk.Advance(11 * time.Minute)
	value(t, cache, "a")
	kms.WaitCacheFetches(cache)
	assert.Equal(t, []string{"stale a ACSCurrent", "refresh a ACSCurrent background=true err=<nil>"}, log.take())

	_, err := cache.GetVersionStage(ctx, "a", "ACSPrevious")
	require.NoError(t, err)
	assert.Equal(t, []string{"miss a ACSPrevious", "refresh a ACSPrevious background=false err=<nil>"}, log.take())
	value(t, cache, "b") // evicts a/ACSCurrent, used longest ago
	assert.Equal(t, []string{"evict a ACSCurrent", "miss b ACSCurrent", "refresh b ACSCurrent background=false err=<nil>"}, log.take())

	require.NoError(t, cache.Preload(ctx, "c")) // evicts a/ACSPrevious
	assert.Equal(t, []string{"evict a ACSPrevious", "refresh c ACSCurrent background=false err=<nil>"}, log.take())

	f.set(func(f *fakeKMS) { f.failing = map[string]error{"gone": notFound} })
	for range 2 {
		_, err = cache.Get(ctx, "gone")
		require.ErrorIs(t, err, kms.ErrSecretNotFound)
	}
	assert.Equal(t, []string{"evict b ACSCurrent", "miss gone ACSCurrent", "refresh gone ACSCurrent background=false err=" + notFound.Error(),
		"hit gone ACSCurrent"}, log.take(), "a cached not-found is a hit")

	log.mu.Lock()
	defer log.mu.Unlock()
	for _, e := range log.raw {
		assert.NotContains(t, fmt.Sprintf("%+v", e), "value-", "no event holds a value")
		if e.Err != nil {
			assert.NotSame(t, notFound, e.Err, "the observer's own copy")
		}
	}
}

// Every event kind has its name; any other value reads "unknown".
func TestCacheEventKindString(t *testing.T) {
	names := map[kms.CacheEventKind]string{
		kms.CacheHit: "hit", kms.CacheMiss: "miss", kms.CacheStale: "stale", kms.CacheRefresh: "refresh", kms.CacheEvict: "evict",
		0: "unknown", kms.CacheEvict + 1: "unknown", -1: "unknown",
	}
	for k, want := range names {
		assert.Equal(t, want, k.String(), int(k))
	}
}
