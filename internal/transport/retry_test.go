package transport

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"none", nil, 0},
		{"x-acs ms", map[string]string{"X-Acs-Retry-After": "1000"}, time.Second},
		{"x-acs ms, spaces", map[string]string{"x-acs-retry-after": " 250 "}, 250 * time.Millisecond},
		{"x-acs wins over Retry-After", map[string]string{"X-Acs-Retry-After": "100", "Retry-After": "7"}, 100 * time.Millisecond},
		{"x-acs bad: ignored, not Retry-After", map[string]string{"X-Acs-Retry-After": "soon", "Retry-After": "7"}, 0},
		{"x-acs zero", map[string]string{"X-Acs-Retry-After": "0"}, 0},
		{"x-acs negative", map[string]string{"X-Acs-Retry-After": "-5"}, 0},
		{"x-acs huge", map[string]string{"X-Acs-Retry-After": "9223372036854775807"}, maxRetryAfter},
		{"x-acs overflowing", map[string]string{"X-Acs-Retry-After": "99999999999999999999999"}, 0},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"seconds zero", map[string]string{"Retry-After": "0"}, 0},
		{"seconds negative", map[string]string{"Retry-After": "-3"}, 0},
		{"seconds huge", map[string]string{"Retry-After": "9223372036854775807"}, maxRetryAfter},
		{"HTTP date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{"HTTP date past", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"HTTP date far", map[string]string{"Retry-After": now.AddDate(1, 0, 0).Format(http.TimeFormat)}, maxRetryAfter},
		{"garbage", map[string]string{"Retry-After": "tomorrow-ish"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			assert.Equal(t, tc.want, RetryAfter(h, now))
		})
	}
}

// recorder is a retry policy with no randomness (every draw is 0) whose
// sleeps are recorded, not slept.
type recorder struct {
	mu    sync.Mutex
	slept []time.Duration
}

func (r *recorder) policy(maxAttempts int) *retry.Standard {
	return retry.NewStandard(retry.StandardOptions{
		MaxAttempts: maxAttempts,
		Rand:        func(time.Duration) time.Duration { return 0 },
		Sleep: func(_ context.Context, d time.Duration) bool {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.slept = append(r.slept, d)
			return true
		},
	})
}

func TestRetryDecisions(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		failures  int // answers like this before a success
		calls     int32
		class     error // when the call fails
		slept     []time.Duration
		failsWith int // status of the final error, 0: success
	}{
		{name: "plain-text 429 retried", status: 429, body: "Too Many Requests", failures: 4, calls: 5},
		{name: "x-acs-retry-after honoured", status: 400, header: map[string]string{"X-Acs-Retry-After": "1000"}, body: `{"Code":"SomethingNew"}`, failures: 2, calls: 3, slept: []time.Duration{time.Second, time.Second}},
		{name: "Retry-After on 503", status: 503, header: map[string]string{"Retry-After": "2"}, body: `{"Code":"ServiceUnavailable"}`, failures: 1, calls: 2, slept: []time.Duration{2 * time.Second}},
		{name: "unclassified 500 retried", status: 500, body: "oops", failures: 2, calls: 3},
		{name: "unclassified 500 until attempts run out", status: 500, body: "oops", failures: 9, calls: 3, failsWith: 500},
		{name: "unclassified 4xx not retried", status: 418, body: "teapot", failures: 1, calls: 1, failsWith: 418},
		{name: "throttled 429 matches ErrThrottled when it fails", status: 429, body: "slow down", failures: 9, calls: 1, class: signer.ErrThrottled, failsWith: 429},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n <= tc.failures {
					for k, v := range tc.header {
						w.Header().Set(k, v)
					}
					w.Header().Set("Content-Type", "text/plain")
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
					return
				}
				writeJSON(w, 200, okBody)
			})
			rec := &recorder{}
			maxAttempts := 3
			if tc.class == signer.ErrThrottled {
				maxAttempts = 1 // the only way a throttled call without deadline fails at once
			}
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rec.policy(maxAttempts) })
			_, err := c.Do(bg(), getSecretRequest())
			if tc.failsWith == 0 {
				require.NoError(t, err)
			} else {
				var apiErr *signer.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.failsWith, apiErr.StatusCode)
				if tc.class != nil {
					require.ErrorIs(t, err, tc.class)
				}
			}
			assert.Equal(t, tc.calls, s.calls.Load())
			assert.Equal(t, tc.slept, rec.slept)
		})
	}
}

// TestThrottledUntilDeadline: a throttled call keeps trying past
// RetryMaxAttempts while its deadline allows, and the error it ends with
// carries the server's requested wait.
func TestThrottledUntilDeadline(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Acs-Retry-After", "10")
		writeJSON(w, 429, `{"Code":"Rejected.Throttling","Message":"QPS Limit Exceeded"}`)
	})
	// The policy's clock is virtual and an hour ahead: the context's
	// deadline is 95ms away for the policy and an hour away in real time,
	// so a slow machine cannot end the call before the policy does.
	now := time.Now().Add(time.Hour)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	rt := retry.NewStandard(retry.StandardOptions{
		Now:  clock,
		Rand: func(time.Duration) time.Duration { return 0 },
		Sleep: func(_ context.Context, d time.Duration) bool {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(d)
			return true
		},
	})
	ctx, cancel := context.WithDeadline(bg(), now.Add(95*time.Millisecond))
	defer cancel()
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, signer.ErrThrottled)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	var apiErr *signer.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 10*time.Millisecond, apiErr.RetryAfter)
	assert.Equal(t, int32(10), s.calls.Load(), "attempts at 0, 10, ..., 90ms; the next would be at 100ms")
}

// TestPerCallOverridesShareTheLimiter: a per-call variant of a client
// gets its own limits but the client's limiter: its failures pace the
// client.
func TestPerCallOverridesShareTheLimiter(t *testing.T) {
	c := newTestClient(t, kmsService, "http://127.0.0.1:1")
	v, err := c.With(Options{Endpoint: "http://127.0.0.1:1", Credentials: signer.StaticCredentials(testAK, testSecret, ""), RetryMaxAttempts: 7})
	require.NoError(t, err)
	vstd, ok := v.s.retryer.(*retry.Standard)
	require.True(t, ok)
	assert.Equal(t, 7, vstd.Options().MaxAttempts)
	own, ok := c.s.retryer.(*retry.Standard)
	require.True(t, ok)
	assert.Equal(t, DefaultRetryMaxAttempts, own.Options().MaxAttempts)

	for range retry.PaceAfter { // the variant's calls failed: the client keeps failing
		vstd.Record(&signer.APIError{StatusCode: 503})
	}
	d, err := own.Delay(bg(), retry.Attempt{Number: 1})
	require.NoError(t, err)
	assert.Greater(t, d, retry.PaceInterval/2, "one limiter for the client and its variant")
}

func TestRetryerOptionUsed(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	rt := retry.NewStandard(retry.StandardOptions{})
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
	assert.Same(t, rt, c.s.retryer)
	v, err := c.With(Options{Endpoint: s.URL, Retryer: rt})
	require.NoError(t, err)
	assert.Same(t, rt, v.s.retryer)
}

// attemptLog is a Retryer that allows everything at once and logs what
// the loop tells it.
type attemptLog struct {
	mu       sync.Mutex
	attempts []retry.Attempt
	records  []error
	delay    time.Duration
}

func (l *attemptLog) Delay(_ context.Context, a retry.Attempt) (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts = append(l.attempts, a)
	if a.Number > 4 {
		return 0, a.Err
	}
	if a.Number == 1 {
		return 0, nil
	}
	return l.delay, nil
}

func (l *attemptLog) Record(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, err)
}

func (l *attemptLog) Sleep(context.Context, time.Duration) bool { return true }

// TestLoopTellsTheRetryer: the loop asks before every attempt with the
// call's state (number, last failure, failures and throttles counted apart,
// time waited) and records every outcome.
func TestLoopTellsTheRetryer(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1, 3:
			writeJSON(w, 429, `{"Code":"Throttling"}`)
		case 2:
			writeJSON(w, 503, `{"Code":"ServiceUnavailable"}`)
		default:
			writeJSON(w, 200, okBody)
		}
	})
	l := &attemptLog{delay: 7 * time.Millisecond}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = l })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	require.Len(t, l.attempts, 4)
	type state struct {
		number, failures, throttles int
		waited                      time.Duration
		class                       error
	}
	var got []state
	for _, a := range l.attempts {
		st := state{a.Number, a.Failures, a.Throttles, a.Waited, nil}
		var e *signer.APIError
		if errors.As(a.Err, &e) {
			st.class = e.Class()
		}
		got = append(got, st)
	}
	assert.Equal(t, []state{
		{1, 0, 0, 0, nil},
		{2, 0, 1, 0, signer.ErrThrottled},
		{3, 1, 1, 7 * time.Millisecond, signer.ErrServiceUnavailable},
		{4, 1, 2, 14 * time.Millisecond, signer.ErrThrottled},
	}, got)
	require.Len(t, l.records, 4)
	assert.Nil(t, l.records[3], "the success is recorded")
	for _, r := range l.records[:3] {
		require.Error(t, r)
	}
}

// TestPacedCallInTheLoop: a call of a client that keeps failing waits for
// its slot (1s after the failures). When another call succeeds meanwhile,
// it is sent at once; when it is cancelled, it ends with the cancellation;
// when the slot would come after its deadline, it ends at once, unsent,
// with the client's failure (not a deadline error).
func TestPacedCallInTheLoop(t *testing.T) {
	cases := []struct {
		name     string
		deadline time.Duration                                       // from the policy's now
		during   func(rt *retry.Standard, cancel context.CancelFunc) // in the wait
		calls    int32
		wantErrs []error
		message  string
	}{
		{name: "another call succeeds: sent", deadline: time.Hour, during: func(rt *retry.Standard, _ context.CancelFunc) { rt.Record(nil) }, calls: 1},
		{name: "cancelled: not sent", deadline: time.Hour, during: func(_ *retry.Standard, cancel context.CancelFunc) { cancel() }, calls: 0, wantErrs: []error{context.Canceled}},
		{name: "the slot is after the deadline: not sent", deadline: 500 * time.Millisecond, calls: 0, wantErrs: []error{signer.ErrServiceUnavailable}, message: "not sent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
			ctx, cancel := context.WithDeadline(bg(), time.Now().Add(time.Hour))
			defer cancel()
			deadline, _ := ctx.Deadline()
			now := deadline.Add(-tc.deadline)
			var rt *retry.Standard
			rt = retry.NewStandard(retry.StandardOptions{
				Now: func() time.Time { return now },
				Sleep: func(sctx context.Context, d time.Duration) bool {
					assert.Equal(t, retry.PaceInterval, d, "until the slot")
					require.NotNil(t, tc.during, "no wait expected")
					tc.during(rt, cancel)
					<-sctx.Done()
					return false
				},
			})
			for range retry.PaceAfter {
				rt.Record(&signer.APIError{StatusCode: 503, Code: "ServiceUnavailable"})
			}
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
			_, err := c.Do(ctx, getSecretRequest())
			assert.Equal(t, tc.calls, s.calls.Load())
			if tc.wantErrs == nil {
				require.NoError(t, err)
				return
			}
			for _, want := range tc.wantErrs {
				require.ErrorIs(t, err, want)
			}
			assert.NotErrorIs(t, err, context.DeadlineExceeded)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}
