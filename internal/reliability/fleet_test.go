package reliability

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/retry"
)

// The fleet: replicas started together, each its own kms.Client with the
// default options (default HTTP transport and retry policy; only the
// policy's clock and sleep are the simulation's), loading secretsPerClient
// secrets concurrently under a 30s deadline: 400 replicas against a
// gateway admitting 300 requests/s, or, under -race, a quarter of both
// (the same 4s physical minimum and the same replicas per unit of
// capacity, so the same dynamics).
var (
	fleetScale   = map[bool]int{false: 1, true: 4}[raceBuild]
	fleetClients = 400 / fleetScale
	gatewayRate  = 300.0 / float64(fleetScale) // requests per second
)

const (
	secretsPerClient = 3
	startupDeadline  = 30 * time.Second
	simQuantum       = 10 * time.Millisecond
)

// fleet is one simulation run.
type fleet struct {
	clock *simClock
	srv   *kmstest.Server
	start time.Time

	requests  atomic.Int64
	early     atomic.Int64 // requests sent before the wait a 429 asked for
	mu        sync.Mutex
	perClient []int         // requests per client
	times     [][]time.Time // per client, when each request was sent (outage run)
	notBefore []map[string]time.Time
}

func newFleet(t *testing.T, opts ...kmstest.Option) *fleet {
	t.Helper()
	f := &fleet{start: time.Now().Truncate(time.Second)}
	f.clock = newSimClock(f.start, simQuantum)
	f.srv = kmstest.NewServer(append([]kmstest.Option{kmstest.WithClock(f.clock.Now)}, opts...)...)
	t.Cleanup(f.srv.Close)
	for i := 0; i < secretsPerClient; i++ {
		f.srv.PutSecretValue(fleetSecret(i), "value-"+strconv.Itoa(i))
	}
	f.perClient = make([]int, fleetClients)
	f.times = make([][]time.Time, fleetClients)
	f.notBefore = make([]map[string]time.Time, fleetClients)
	return f
}

func fleetSecret(i int) string { return fmt.Sprintf("app/config-%d", i) }

// client builds replica i's client: default options, except that its HTTP
// client is the default one wrapped to watch what it sends.
func (f *fleet) client(t *testing.T, i int) *kms.Client {
	t.Helper()
	f.notBefore[i] = map[string]time.Time{}
	hc := transport.DefaultHTTPClient()
	c, err := kms.New(kms.Options{
		Endpoint:    f.srv.URL,
		Credentials: f.srv.Credentials(),
		HTTPClient: doerFunc(func(r *http.Request) (*http.Response, error) {
			name := r.URL.Query().Get("SecretName")
			now := f.clock.Now()
			f.requests.Add(1)
			f.mu.Lock()
			f.perClient[i]++
			f.times[i] = append(f.times[i], now)
			if nb, ok := f.notBefore[i][name]; ok && now.Before(nb) {
				f.early.Add(1)
			}
			f.mu.Unlock()
			resp, err := hc.Do(r)
			if err == nil && resp.StatusCode == http.StatusTooManyRequests {
				if ms, perr := strconv.Atoi(resp.Header.Get("x-acs-retry-after")); perr == nil {
					f.mu.Lock()
					f.notBefore[i][name] = now.Add(time.Duration(ms) * time.Millisecond)
					f.mu.Unlock()
				}
			}
			return resp, err
		}),
		Retryer: retry.NewStandard(retry.StandardOptions{Now: f.clock.Now, Sleep: f.clock.Sleep}),
	})
	require.NoError(t, err)
	return c
}

// startup runs the fleet's startup and returns how many secrets loaded and
// when the last one did (virtual time since the start).
func (f *fleet) startup(t *testing.T) (loaded int, last time.Duration) {
	t.Helper()
	clients := make([]*kms.Client, fleetClients)
	for i := range clients {
		clients[i] = f.client(t, i)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed []error
	)
	ctx := virtualDeadline{context.Background(), f.start.Add(startupDeadline)}
	// The callers wait for each other: the clock moves only when every
	// started caller sleeps, and must not before the last one starts.
	start := make(chan struct{})
	for i, c := range clients {
		for s := 0; s < secretsPerClient; s++ {
			f.clock.Go(&wg, func() {
				<-start
				out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: fleetSecret(s)})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failed = append(failed, fmt.Errorf("client %d: %w", i, err))
					return
				}
				if out.SecretData == "value-"+strconv.Itoa(s) {
					loaded++
				}
				last = max(last, f.clock.Now().Sub(f.start))
			})
		}
	}
	close(start)
	wg.Wait()
	for _, err := range failed[:min(len(failed), 3)] {
		t.Log(err)
	}
	return loaded, last
}

// TestFleetStartupThrottled: 400 replicas x 3 secrets against a gateway
// admitting 300 requests/s (429 Rejected.Throttling above): every secret
// loads within 2x the physical minimum (1200/300 = 4s), with few requests
// per secret; with x-acs-retry-after, no request goes before the wait it
// asked for. Without the header a client's first throttled retry draws
// from [0, 1s) (its streak is 1), and 300 replicas' worth of those crowd
// the first second again: about 2.0 requests per secret. With the header
// every retry waits at least the second asked for: 1.75.
func TestFleetStartupThrottled(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter time.Duration
		perSecret  float64 // at most
	}{{"429", 0, 2.2}, {"429 with x-acs-retry-after 1000", time.Second, 1.8}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFleet(t, kmstest.WithRateLimit(kmstest.RateLimit{Rate: gatewayRate, RetryAfter: tc.retryAfter}))
			loaded, last := f.startup(t)
			secrets := fleetClients * secretsPerClient
			minimum := time.Duration(float64(secrets) / gatewayRate * float64(time.Second))
			perSecret := float64(f.requests.Load()) / float64(secrets)
			t.Logf("loaded %d/%d, last at %v (minimum %v), %.2f requests per secret, %d shed", loaded, secrets, last, minimum, perSecret, f.srv.Throttled())
			assert.Equal(t, secrets, loaded)
			assert.LessOrEqual(t, last, 2*minimum)
			assert.LessOrEqual(t, perSecret, tc.perSecret)
			assert.Zero(t, f.early.Load(), "requests sent before the wait the gateway asked for")
			assert.Equal(t, int(f.requests.Load()), f.srv.Requests())
		})
	}
}

// TestFleetOutage: every answer is 503 for 10s while each replica keeps
// calling (three loops per client, a new call as soon as one fails). After
// its first few failures a client sends about one request per second.
func TestFleetOutage(t *testing.T) {
	const outage = 10 * time.Second
	f := newFleet(t)
	faults := make([]kmstest.Fault, 0, fleetClients*40)
	for range cap(faults) {
		faults = append(faults, kmstest.Fault{Status: 503, Code: "ServiceUnavailable", Message: "down"})
	}
	f.srv.FailNext(faults...)
	var wg sync.WaitGroup
	end := f.start.Add(outage)
	var calls atomic.Int64
	// Every caller starts at the start (see startup).
	start := make(chan struct{})
	clients := make([]*kms.Client, fleetClients)
	for i := range clients {
		clients[i] = f.client(t, i)
	}
	for _, c := range clients {
		for s := 0; s < secretsPerClient; s++ {
			f.clock.Go(&wg, func() {
				<-start
				for f.clock.Now().Before(end) {
					calls.Add(1)
					ctx := virtualDeadline{context.Background(), f.clock.Now().Add(startupDeadline)}
					_, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: fleetSecret(s)})
					assert.Error(t, err)
					f.clock.Sleep(context.Background(), time.Millisecond) // the caller's own next step
				}
			})
		}
	}
	close(start)
	wg.Wait()
	// A client's first 3 requests fail at once (its 3 loops start
	// together), and the third failure begins its pacing: from then on it
	// sends one request per slot, a second apart from 1s after that
	// failure. The only requests between are the retries its first two
	// calls had already scheduled when the pacing began.
	var paced, scheduled, total, most int
	var window time.Duration
	for _, ts := range f.times {
		n := 0
		for _, at := range ts {
			if at.Before(end) {
				n++
			}
		}
		require.GreaterOrEqual(t, n, retry.PaceAfter)
		firstSlot := ts[retry.PaceAfter-1].Add(retry.PaceInterval)
		for _, at := range ts[retry.PaceAfter:n] {
			if at.Before(firstSlot) {
				scheduled++
			} else {
				paced++
			}
		}
		total += n
		most = max(most, n)
		window += end.Sub(firstSlot)
	}
	perSecond := float64(paced) / window.Seconds()
	t.Logf("%d calls, %d requests in %v (%.1f per client, at most %d), after its first 3: %.1f already scheduled, then %.2f per second", calls.Load(), total, outage, float64(total)/float64(fleetClients), most, float64(scheduled)/float64(fleetClients), perSecond)
	assert.LessOrEqual(t, perSecond, 1.0)
	assert.GreaterOrEqual(t, perSecond, 0.8, "the client keeps probing")
	assert.LessOrEqual(t, scheduled, fleetClients*(secretsPerClient-1), "only retries scheduled before the pacing began")
}
