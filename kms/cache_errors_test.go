package kms_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// expiring is a context whose deadline the test ends by hand: Deadline
// reports one, Err is context.DeadlineExceeded once expire is called, and
// no wall-clock time passes meanwhile.
type expiring struct {
	context.Context
	deadline time.Time
	done     chan struct{}
	once     sync.Once
}

func newExpiring(in time.Duration) *expiring {
	return &expiring{Context: context.Background(), deadline: time.Now().Add(in), done: make(chan struct{})}
}

func (e *expiring) Deadline() (time.Time, bool) { return e.deadline, true }
func (e *expiring) Done() <-chan struct{}       { return e.done }
func (e *expiring) expire()                     { e.once.Do(func() { close(e.done) }) }
func (e *expiring) Err() error {
	select {
	case <-e.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// attemptSignal is a client Observer that reports each failed attempt.
type attemptSignal struct {
	failed chan error
}

func (a *attemptSignal) StartCall(ctx context.Context, _ kms.CallInfo) context.Context { return ctx }
func (a *attemptSignal) EndCall(context.Context, kms.CallInfo, error)                  {}
func (a *attemptSignal) ObserveAttempt(_ context.Context, at kms.AttemptInfo) {
	if at.Err != nil {
		select {
		case a.failed <- at.Err:
		default:
		}
	}
}

// A Get whose deadline ends while the gateway throttles returns an error
// naming the operation that wraps both the deadline and the throttling.
func TestCacheGetDeadlineKeepsTheCause(t *testing.T) {
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	srv.PutSecretValue("prod/db", "s3cr3t")
	faults := make([]kmstest.Fault, 50)
	for i := range faults {
		faults[i] = kmstest.Fault{Status: 429, Code: "Throttling", Message: "Request was denied due to request throttling."}
	}
	srv.FailNext(faults...)
	signal := &attemptSignal{failed: make(chan error, 1)}
	client, err := srv.Client(func(o *kms.Options) { o.Observer = signal })
	require.NoError(t, err)
	cache := kms.NewCache(client, kms.CacheOptions{})
	t.Cleanup(cache.Close)

	ctx := newExpiring(700 * time.Millisecond)
	errs := make(chan error, 1)
	go func() {
		_, err := cache.Get(ctx, "prod/db")
		errs <- err
	}()
	require.ErrorIs(t, <-signal.failed, kms.ErrThrottled, "the client's own Observer is still told")
	ctx.expire()
	err = <-errs
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorIs(t, err, kms.ErrThrottled, "the cause is kept")
	var ae *kms.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "Throttling", ae.Code)
	assert.Contains(t, err.Error(), `kms Cache.Get "prod/db": context deadline exceeded (last error: kms GetSecretValue: Throttling`)
	assert.NotContains(t, err.Error(), "s3cr3t")

	// With no attempt failed yet, the error still names the operation.
	f := newFakeKMS()
	fake, _ := fakeCache(t, f, kms.CacheOptions{})
	started := make(chan struct{}, 1)
	f.set(func(f *fakeKMS) { f.hold, f.started = make(chan struct{}), started })
	ctx = newExpiring(time.Second)
	go func() {
		_, err := fake.GetVersionStage(ctx, "prod/db", "ACSPrevious")
		errs <- err
	}()
	<-started
	ctx.expire()
	err = <-errs
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, `kms Cache.Get "prod/db": context deadline exceeded`, err.Error())
}

// The cache's FetchTimeout never ends a fetch before the deadline of the
// caller who started it.
func TestCacheFetchLastsTheCallersDeadline(t *testing.T) {
	f := newFakeKMS()
	deadlines := make(chan time.Time, 1)
	cache := kms.NewCache(nil, kms.CacheOptions{FetchTimeout: 30 * time.Second})
	t.Cleanup(cache.Close)
	kms.SetCacheFetch(cache, func(ctx context.Context, name, stage string, bg bool) (*kms.GetSecretValueOutput, error) {
		d, ok := ctx.Deadline()
		require.True(t, ok, "a fetch always has a deadline")
		deadlines <- d
		return f.fetch(ctx, name, stage, bg)
	})
	for _, tc := range []struct {
		name   string
		allows time.Duration // 0: no deadline
	}{
		{"a caller who allows 45s gets 45s", 45 * time.Second},
		{"a caller who allows 5s: FetchTimeout", 5 * time.Second},
		{"no deadline: FetchTimeout", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			want := start.Add(30 * time.Second) // FetchTimeout from the start, at least
			ctx := context.Background()
			if tc.allows > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.allows)
				defer cancel()
				if d, _ := ctx.Deadline(); d.After(want) {
					want = d // the caller's deadline, exactly
				}
			}
			_, err := cache.Refresh(ctx, "db")
			require.NoError(t, err)
			got := <-deadlines
			assert.False(t, got.Before(want), "the fetch may run until %v, not only %v", want, got)
			assert.Less(t, got.Sub(want), 10*time.Second, "and no more than it needs")
		})
	}
}

// logBuffer is a client Logger that keeps what it is told.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type panickingObserver struct{}

func (panickingObserver) ObserveCache(e kms.CacheEvent) {
	panic("observer: value s3cr3t-" + e.Kind.String())
}

// A panicking callback neither crashes the process nor wedges the cache:
// the callers waiting are woken, the next fetches run, and the panic is
// reported where the Cache doc says, without its value.
func TestCachePanickingCallbacks(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       func(rec *refreshErrors) kms.CacheOptions
		toCallback string // what OnRefreshError is told; "" for nothing
		toLog      string // what the client's logger is told; "" for nothing
	}{
		{"OnChange, reported to OnRefreshError", func(rec *refreshErrors) kms.CacheOptions {
			return kms.CacheOptions{OnChange: panicOnChange, OnRefreshError: rec.onRefreshError}
		}, `prod/db ACSCurrent: kms Cache: OnChange panicked for secret "prod/db" (stage ACSCurrent)`, ""},
		{"OnChange without OnRefreshError, logged", func(*refreshErrors) kms.CacheOptions {
			return kms.CacheOptions{OnChange: panicOnChange}
		}, "", `kms Cache: OnChange panicked for secret \"prod/db\" (stage ACSCurrent)`},
		{"OnRefreshError, logged", func(*refreshErrors) kms.CacheOptions {
			return kms.CacheOptions{OnChange: panicOnChange, OnRefreshError: func(string, string, error) { panic("refresh: s3cr3t") }}
		}, "", `kms Cache: OnRefreshError panicked for secret \"prod/db\" (stage ACSCurrent)`},
		{"Observer, logged", func(*refreshErrors) kms.CacheOptions {
			return kms.CacheOptions{Observer: panickingObserver{}}
		}, "", `kms Cache: Observer panicked for secret \"prod/db\" (stage ACSCurrent)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := &logBuffer{}
			rec := &refreshErrors{}
			srv, cache, _ := newCache(t, tc.opts(rec), func(o *kms.Options) {
				o.RetryMaxAttempts = 1
				o.Logger = slog.New(slog.NewTextHandler(logs, nil))
			})
			srv.PutSecretValue("prod/db", "s3cr3t-1")
			assert.Equal(t, "s3cr3t-1", value(t, cache, "prod/db"))
			for i := range 3 {
				srv.PutSecretValue("prod/db", "s3cr3t-rotated") // OnChange on each Refresh
				within(t, 10*time.Second, "Refresh after a panicking callback", func() {
					out, err := cache.Refresh(ctx, "prod/db")
					require.NoError(t, err, "round %d", i)
					assert.Equal(t, "s3cr3t-rotated", out.SecretData)
				})
			}
			assert.Equal(t, "s3cr3t-rotated", value(t, cache, "prod/db"), "the cache still serves")
			kms.WaitCacheFetches(cache)
			errs, _ := rec.get()
			if tc.toCallback != "" {
				assert.Equal(t, []string{tc.toCallback, tc.toCallback, tc.toCallback}, errs)
			} else {
				assert.Empty(t, errs)
			}
			if tc.toLog != "" {
				assert.Contains(t, logs.String(), tc.toLog)
				assert.Contains(t, logs.String(), "level=ERROR")
			} else {
				assert.NotContains(t, logs.String(), "panicked")
			}
			assert.NotContains(t, logs.String(), "s3cr3t")
			for _, e := range errs {
				assert.NotContains(t, e, "s3cr3t")
			}
		})
	}
}

// A panic in OnChange during a background fetch (no caller waiting) is
// recovered on the cache's goroutine; the next background fetch runs.
func TestCachePanickingOnChangeInBackground(t *testing.T) {
	f := newFakeKMS()
	rec := &refreshErrors{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: time.Hour, RefreshInterval: time.Minute, OnChange: panicOnChange, OnRefreshError: rec.onRefreshError})
	value(t, cache, "db")
	for v := 2; v <= 3; v++ {
		f.set(func(f *fakeKMS) { f.version = v })
		advance(cache, clk, time.Minute)
	}
	assert.Equal(t, "value-3", value(t, cache, "db"))
	errs, last := rec.get()
	assert.Len(t, errs, 2, "each panic reported")
	assert.Equal(t, `kms Cache: OnChange panicked for secret "db" (stage ACSCurrent)`, last.Error())
	fetches, background := f.count()
	assert.Equal(t, 3, fetches)
	assert.Equal(t, 2, background)
}

func panicOnChange(_, _ string, _, cur *kms.GetSecretValueOutput) {
	panic("on change: " + cur.SecretData)
}
