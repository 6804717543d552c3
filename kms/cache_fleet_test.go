package kms_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/retry"
)

// The fleet tests run many caches on one fake clock, as replicas of a
// service started by one deploy, in steps of simulated time. In each step
// every cache serves one Get; the fetches those Gets start are held until
// all the Gets returned (so none of them waited for one), then released
// and waited for, and the clock moves on. Each cache draws its jitter from
// its own seeded source, as separate processes would.

// gateway is a fake KMS shared by a fleet. It records each cache's
// requests (simulated time), can throttle, and holds fetches while hold is
// set.
type gateway struct {
	clk *clock

	mu       sync.Mutex
	requests map[int][]time.Time
	throttle time.Duration // >0: every request fails with Throttling and this retry-after
	hold     chan struct{}
}

func (g *gateway) fetch(id int) func(ctx context.Context, name, stage string, background bool) (*kms.GetSecretValueOutput, error) {
	return func(ctx context.Context, name, stage string, background bool) (*kms.GetSecretValueOutput, error) {
		g.mu.Lock()
		g.requests[id] = append(g.requests[id], g.clk.Now())
		throttle, hold := g.throttle, g.hold
		g.mu.Unlock()
		if hold != nil {
			select {
			case <-hold:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if throttle > 0 {
			return nil, &kms.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 400, Code: "Throttling", RetryAfter: throttle}
		}
		return &kms.GetSecretValueOutput{SecretName: name, SecretData: "value-1", VersionID: "v-1"}, nil
	}
}

func newFleet(t *testing.T, n int, o kms.CacheOptions) (*gateway, []*kms.Cache) {
	t.Helper()
	g := &gateway{clk: newClock(), requests: map[int][]time.Time{}}
	o.Clock = g.clk.Now
	caches := make([]*kms.Cache, n)
	for i := range caches {
		caches[i] = kms.NewCache(nil, o)
		kms.SetCacheFetch(caches[i], g.fetch(i))
		kms.SetCacheRand(caches[i], rand.New(rand.NewPCG(uint64(i), 16)).Float64) // called under the cache's lock
		t.Cleanup(caches[i].Close)
	}
	return g, caches
}

// step runs one Get on every cache while the fetches are held, releases
// them, waits for them and advances the clock. It returns the values served.
func step(t *testing.T, g *gateway, caches []*kms.Cache, d time.Duration) []string {
	t.Helper()
	hold := make(chan struct{})
	g.mu.Lock()
	g.hold = hold
	g.mu.Unlock()
	got := make([]string, len(caches))
	within(t, 30*time.Second, "the fleet's Gets while fetches are held", func() {
		for i, c := range caches {
			if out, err := c.Get(ctx, "db"); err != nil {
				got[i] = "error: " + err.Error()
			} else {
				got[i] = out.SecretData
			}
		}
	})
	close(hold)
	for _, c := range caches {
		kms.WaitCacheFetches(c)
	}
	g.mu.Lock()
	g.hold = nil
	g.mu.Unlock()
	g.clk.Advance(d)
	return got
}

func warm(t *testing.T, caches []*kms.Cache) {
	t.Helper()
	for _, c := range caches {
		_, err := c.Get(ctx, "db")
		require.NoError(t, err)
	}
}

// 100 warm caches meet a gateway that throttles everything: every Get
// within MaxStale is served at once, and each cache asks about once per
// retry-after at most.
func TestCacheFleetThrottledGateway(t *testing.T) {
	const (
		n          = 100
		tick       = 200 * time.Millisecond
		retryAfter = 2 * time.Second
		ttl        = time.Minute
		maxStale   = 5 * time.Minute
	)
	g, caches := newFleet(t, n, kms.CacheOptions{TTL: ttl, MaxStale: maxStale})
	warm(t, caches)
	g.mu.Lock()
	g.throttle = retryAfter
	g.mu.Unlock()
	start := g.clk.Now()
	simulated := ttl*9/10 + maxStale - tick // to the last instant the earliest-expiring cache may serve stale
	for g.clk.Now().Sub(start) < simulated {
		for i, v := range step(t, g, caches, tick) {
			if v != "value-1" {
				t.Fatalf("cache %d at %v: %s", i, g.clk.Now().Sub(start), v)
			}
		}
	}
	var total, most int
	for i := 0; i < n; i++ {
		reqs := g.requests[i][1:] // after the warm-up
		total += len(reqs)
		most = max(most, len(reqs))
		require.GreaterOrEqual(t, len(reqs), 5, "cache %d keeps trying", i)
		for j := 1; j < len(reqs); j++ {
			require.GreaterOrEqual(t, reqs[j].Sub(reqs[j-1]), retryAfter, "cache %d asked again before the retry-after", i)
		}
	}
	perCacheSecond := float64(total) / n / simulated.Seconds()
	t.Logf("%d caches, %v simulated: %d requests, %.3f per cache per second (most from one cache: %d)", n, simulated, total, perCacheSecond, most)
	assert.LessOrEqual(t, perCacheSecond, 2.0)
	assert.LessOrEqual(t, float64(most)/simulated.Seconds(), 0.5, "no cache beyond one request per retry-after")
	for _, c := range caches {
		st := c.Stats()
		assert.Equal(t, int64(1), st.Misses, "only the warm-up waited for KMS")
	}
}

// 200 caches built together do not refresh together.
func TestCacheFleetSpreadsRefreshes(t *testing.T) {
	const (
		n    = 200
		tick = 100 * time.Millisecond
		ttl  = time.Minute
	)
	g, caches := newFleet(t, n, kms.CacheOptions{TTL: ttl})
	warm(t, caches)
	start := g.clk.Now()
	for g.clk.Now().Sub(start) < 3*ttl {
		step(t, g, caches, tick)
	}
	bins := map[int64]int{}
	for i := 0; i < n; i++ {
		reqs := g.requests[i][1:]
		require.GreaterOrEqual(t, len(reqs), 3, "cache %d refreshed every TTL", i)
		for _, at := range reqs {
			bins[int64(at.Sub(start)/tick)]++
		}
	}
	most := 0
	for _, count := range bins {
		most = max(most, count)
	}
	t.Logf("%d caches over 3 TTLs: at most %d refreshes in one %v", n, most, tick)
	assert.LessOrEqual(t, most, n/3)
}

// After a rotation and a TTL every cache serves the new value, none goes
// back to the old one, and OnChange fired once per cache. On kmstest, with
// real requests.
func TestCacheFleetRotation(t *testing.T) {
	const (
		n    = 100
		tick = 250 * time.Millisecond
		ttl  = time.Minute
	)
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	v1 := srv.PutSecretValue("db", "old")
	client, err := srv.Client()
	require.NoError(t, err)
	clk := newClock()
	var mu sync.Mutex
	changes := map[int][]string{}
	caches := make([]*kms.Cache, n)
	for i := range caches {
		caches[i] = kms.NewCache(client, kms.CacheOptions{TTL: ttl, Clock: clk.Now,
			OnChange: func(name, stage string, prev, cur *kms.GetSecretValueOutput) {
				mu.Lock()
				defer mu.Unlock()
				changes[i] = append(changes[i], fmt.Sprintf("%s %s %s->%s %s->%s", name, stage, prev.VersionID, cur.VersionID, prev.SecretData, cur.SecretData))
			}})
		kms.SetCacheRand(caches[i], rand.New(rand.NewPCG(uint64(i), 61)).Float64)
		t.Cleanup(caches[i].Close)
	}
	for _, c := range caches {
		assert.Equal(t, "old", value(t, c, "db"))
	}
	clk.Advance(20 * time.Second)
	v2 := srv.PutSecretValue("db", "new")
	rotated := clk.Now()
	seenNew := make([]bool, n)
	for clk.Now().Sub(rotated) <= ttl*11/10 {
		for i, c := range caches {
			v := value(t, c, "db")
			switch {
			case v == "new":
				seenNew[i] = true
			case seenNew[i]:
				t.Fatalf("cache %d went back to the old value", i)
			}
		}
		for _, c := range caches {
			kms.WaitCacheFetches(c)
		}
		clk.Advance(tick)
	}
	want := []string{fmt.Sprintf("db ACSCurrent %s->%s old->new", v1, v2)}
	for i, c := range caches {
		assert.Equal(t, "new", value(t, c, "db"), "cache %d", i)
		assert.Equal(t, want, changes[i], "cache %d", i)
	}
	t.Logf("%d caches, %d requests for the rotation", n, srv.Requests()-n)
	assert.Equal(t, 2*n, srv.Requests(), "one load and one refresh each")
}

// simClock is virtual time for a fleet whose replicas make real requests
// over loopback: every wait goes through Sleep, and the clock moves only
// when no replica is running, to the earliest wake-up (plus a quantum, to
// wake the replicas due within it together; none is woken early). The
// gateway's rate limit, the retry policy and the deadlines all read Now,
// so simulated seconds cost only the requests' real time.
type simClock struct {
	quantum time.Duration

	mu       sync.Mutex
	now      time.Time
	running  int
	sleepers []*sleeper // unordered
}

type sleeper struct {
	wake time.Time
	ch   chan struct{}
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Go runs f as a replica.
func (c *simClock) Go(wg *sync.WaitGroup, f func()) {
	c.mu.Lock()
	c.running++
	c.mu.Unlock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.running--
			c.advance()
		}()
		f()
	}()
}

// Sleep is a retry.StandardOptions.Sleep on virtual time.
func (c *simClock) Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	c.mu.Lock()
	s := &sleeper{wake: c.now.Add(d), ch: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.running--
	c.advance()
	c.mu.Unlock()
	select {
	case <-s.ch:
		return true
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		if i := slices.Index(c.sleepers, s); i >= 0 { // not woken: leave the queue
			c.sleepers = slices.Delete(c.sleepers, i, i+1)
			c.running++
		}
		return false
	}
}

// advance moves the clock when every replica sleeps; c.mu is held.
func (c *simClock) advance() {
	if c.running > 0 || len(c.sleepers) == 0 {
		return
	}
	first := slices.MinFunc(c.sleepers, func(a, b *sleeper) int { return a.wake.Compare(b.wake) })
	until := first.wake.Add(c.quantum)
	c.now = first.wake
	c.sleepers = slices.DeleteFunc(c.sleepers, func(s *sleeper) bool {
		if s.wake.After(until) {
			return false
		}
		c.now = maxTime(c.now, s.wake)
		c.running++
		close(s.ch)
		return true
	})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// virtualDeadline has a deadline on the virtual clock: the retry policy
// sees it, but it never expires in real time.
type virtualDeadline struct {
	context.Context
	deadline time.Time
}

func (v virtualDeadline) Deadline() (time.Time, bool) { return v.deadline, true }

// countingDoer counts the requests of one replica.
type countingDoer struct {
	hc *http.Client
	n  *atomic.Int64
}

func (d countingDoer) Do(r *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return d.hc.Do(r)
}

// 400 replicas started together, each with its own client and cache,
// call Preload once for their 3 secrets against a gateway admitting 300
// requests a second (429 Rejected.Throttling above): every secret loads
// within 2.5s of virtual time, with at most 1.3 requests per replica.
// Under -race, a quarter of the replicas and of the rate: the same
// dynamics.
func TestCacheFleetPreloadThrottled(t *testing.T) {
	scale := map[bool]int{false: 1, true: 4}[raceBuild]
	replicas, rate := 400/scale, 300.0/float64(scale)
	names := []string{"app/db", "app/api-key", "app/tls"}
	start := time.Now().Truncate(time.Second)
	clk := &simClock{now: start, quantum: 10 * time.Millisecond}
	srv := kmstest.NewServer(kmstest.WithClock(clk.Now), kmstest.WithRateLimit(kmstest.RateLimit{Rate: rate}))
	t.Cleanup(srv.Close)
	for _, n := range names {
		srv.PutSecretValue(n, "value-of-"+n)
	}
	hc := srv.HTTPClient()
	requests := make([]atomic.Int64, replicas)
	caches := make([]*kms.Cache, replicas)
	for i := range caches {
		client, err := kms.New(kms.Options{
			Endpoint: srv.URL, Credentials: srv.Credentials(),
			HTTPClient: countingDoer{hc, &requests[i]},
			Retryer:    retry.NewStandard(retry.StandardOptions{Now: clk.Now, Sleep: clk.Sleep}),
		})
		require.NoError(t, err)
		caches[i] = kms.NewCache(client, kms.CacheOptions{Clock: clk.Now})
		t.Cleanup(caches[i].Close)
	}

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		last   time.Duration
		failed []error
	)
	ctx := virtualDeadline{context.Background(), start.Add(30 * time.Second)}
	for i, c := range caches {
		clk.Go(&wg, func() {
			err := c.Preload(ctx, names...)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, fmt.Errorf("replica %d: %w", i, err))
				return
			}
			last = max(last, clk.Now().Sub(start))
		})
	}
	wg.Wait()
	for _, err := range failed[:min(len(failed), 3)] {
		t.Log(err)
	}
	require.Empty(t, failed)
	var total int64
	for i := range requests {
		total += requests[i].Load()
	}
	perReplica := float64(total) / float64(replicas)
	t.Logf("%d replicas x %d secrets at %.0f req/s: all loaded at %v (virtual), %d requests (%.2f per replica), %d shed",
		replicas, len(names), rate, last, total, perReplica, srv.Throttled())
	assert.LessOrEqual(t, last, 2500*time.Millisecond)
	assert.LessOrEqual(t, perReplica, 1.3)
	assert.Equal(t, int(total), srv.Requests())

	// Every value is in memory: serving them sends nothing.
	for _, c := range caches {
		for _, n := range names {
			out, err := c.Get(ctx, n)
			require.NoError(t, err)
			require.Equal(t, "value-of-"+n, out.SecretData)
		}
	}
	assert.Equal(t, int(total), srv.Requests(), "no request after Preload")
}
