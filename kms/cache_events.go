package kms

// CacheObserver is told what a Cache does (CacheOptions.Observer): each
// hit, miss, stale serve, fetch with its outcome, and eviction, by secret
// name and stage. It never sees a secret value. It is called on the
// goroutine where the event happens, a caller's or the cache's own, so it
// must be safe for concurrent use and quick; a panic in it is recovered
// and dropped.
type CacheObserver interface {
	ObserveCache(e CacheEvent)
}

// CacheEvent is one thing a Cache did.
type CacheEvent struct {
	Kind  CacheEventKind
	Name  string // the secret's name
	Stage string // the version stage, "ACSCurrent" for Get
	// Err is, for CacheRefresh, the fetch's failure (nil when it fetched a
	// value).
	Err error
	// Background is, for CacheRefresh, whether the fetch ran with no
	// caller waiting for it (refresh ahead, stale-while-revalidate,
	// RefreshInterval).
	Background bool
}

// CacheEventKind says what a CacheEvent is.
type CacheEventKind int

// The kinds of CacheEvent.
const (
	CacheHit     CacheEventKind = iota + 1 // served from memory within the TTL (a cached not-found too)
	CacheMiss                              // a caller waited for a fetch
	CacheStale                             // served past expiry, under MaxStale
	CacheRefresh                           // a fetch ended; Err is its outcome
	CacheEvict                             // an entry dropped for MaxEntries
)

// String returns "hit", "miss", "stale", "refresh" or "evict".
func (k CacheEventKind) String() string {
	switch k {
	case CacheHit:
		return "hit"
	case CacheMiss:
		return "miss"
	case CacheStale:
		return "stale"
	case CacheRefresh:
		return "refresh"
	case CacheEvict:
		return "evict"
	}
	return "unknown"
}
