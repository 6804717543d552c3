package retry

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// deadlineCtx reports a deadline without ever expiring, so Delay's
// arithmetic is checked against the injected clock only.
type deadlineCtx struct {
	context.Context
	d time.Time
}

func (c deadlineCtx) Deadline() (time.Time, bool) { return c.d, true }

func withDeadline(after time.Duration) context.Context {
	return deadlineCtx{context.Background(), t0.Add(after)}
}

// halfRand draws the middle of [0, n) and records n, so every delay is
// exact and the ceiling it was drawn under is visible.
type halfRand struct{ ceilings []time.Duration }

func (h *halfRand) draw(n time.Duration) time.Duration {
	h.ceilings = append(h.ceilings, n)
	return n / 2
}

var (
	throttled      = &signer.APIError{StatusCode: 400, Code: "Throttling.User"}
	unavailable    = &signer.APIError{StatusCode: 503, Code: "ServiceUnavailable"}
	plain500       = &signer.APIError{StatusCode: 500}
	plain502       = &signer.APIError{StatusCode: 502, Message: "<html>"}
	plain400       = &signer.APIError{StatusCode: 400}
	plain429       = &signer.APIError{StatusCode: 429, Message: "Too Many Requests"}
	notFound       = &signer.APIError{StatusCode: 404, Code: "Forbidden.ResourceNotFound"}
	errConnRefused = errors.New("dial tcp: connection refused")
	errUntrusted   = fmt.Errorf("tls: %w", x509.UnknownAuthorityError{})
)

func waitAsked(d time.Duration) *signer.APIError {
	return &signer.APIError{StatusCode: 503, Code: "ServiceUnavailable", RetryAfter: d}
}

func TestDelayTable(t *testing.T) {
	cases := []struct {
		name     string
		opts     StandardOptions
		streak   int // throttled answers recorded before (the client's streak)
		ctx      context.Context
		a        Attempt
		want     time.Duration
		ceiling  time.Duration // the ceiling the draw was made under; 0: no draw
		stopWith error         // the call ends with this error instead
	}{
		{name: "first attempt, client healthy", a: Attempt{Number: 1}},
		{name: "first attempt past the deadline: left to the attempt", ctx: withDeadline(-time.Millisecond), a: Attempt{Number: 1}},
		{name: "failure, Failures 0 counts as the first retry", opts: StandardOptions{MaxAttempts: 2}, a: Attempt{Number: 2, Err: unavailable}, want: 50 * time.Millisecond, ceiling: 100 * time.Millisecond},
		{name: "failure, retry 1: base 100ms", a: Attempt{Number: 2, Err: unavailable, Failures: 1}, want: 50 * time.Millisecond, ceiling: 100 * time.Millisecond},
		{name: "failure, retry 2: doubles", a: Attempt{Number: 3, Err: plain500, Failures: 2}, want: 100 * time.Millisecond, ceiling: 200 * time.Millisecond},
		{name: "failure, retry 5 of 10", opts: StandardOptions{MaxAttempts: 10}, a: Attempt{Number: 6, Err: errConnRefused, Failures: 5}, want: 800 * time.Millisecond, ceiling: 1600 * time.Millisecond},
		{name: "failure, capped by MaxBackoff", opts: StandardOptions{MaxAttempts: 10, MaxBackoff: time.Second}, a: Attempt{Number: 6, Err: plain502, Failures: 5}, want: 500 * time.Millisecond, ceiling: time.Second},
		{name: "failure, huge exponent stays capped", opts: StandardOptions{MaxAttempts: 100, MaxBackoff: 3 * time.Second}, a: Attempt{Number: 70, Err: plain500, Failures: 69}, want: 1500 * time.Millisecond, ceiling: 3 * time.Second},
		{name: "failure, ceiling reached exactly", opts: StandardOptions{MaxAttempts: 10, MaxBackoff: 200*time.Millisecond + 1}, a: Attempt{Number: 3, Err: plain500, Failures: 2}, want: 100 * time.Millisecond, ceiling: 200 * time.Millisecond},
		{name: "failure, unbounded MaxBackoff: doubles", opts: StandardOptions{MaxAttempts: 10, MaxBackoff: math.MaxInt64}, a: Attempt{Number: 3, Err: plain500, Failures: 2}, want: 100 * time.Millisecond, ceiling: 200 * time.Millisecond},
		{name: "failure, unbounded MaxBackoff: no overflow", opts: StandardOptions{MaxAttempts: 100, MaxBackoff: math.MaxInt64}, a: Attempt{Number: 71, Err: plain500, Failures: 70}, want: math.MaxInt64 / 2, ceiling: math.MaxInt64},
		{name: "failure, attempts spent", a: Attempt{Number: 4, Err: unavailable, Failures: 3}, stopWith: unavailable},
		{name: "failure, MaxAttempts 1", opts: StandardOptions{MaxAttempts: 1}, a: Attempt{Number: 2, Err: unavailable, Failures: 1}, stopWith: unavailable},
		{name: "throttled, streak 1: base 1s", streak: 1, a: Attempt{Number: 2, Err: throttled, Throttles: 1}, want: 500 * time.Millisecond, ceiling: time.Second},
		{name: "throttled, streak 2", streak: 2, a: Attempt{Number: 3, Err: throttled, Throttles: 2}, want: time.Second, ceiling: 2 * time.Second},
		{name: "throttled, streak 3: 4s ceiling", streak: 3, a: Attempt{Number: 4, Err: plain429, Throttles: 3}, want: 2 * time.Second, ceiling: 4 * time.Second},
		{name: "throttled, streak 9: still 4s", streak: 9, a: Attempt{Number: 10, Err: throttled, Throttles: 9}, want: 2 * time.Second, ceiling: 4 * time.Second},
		{name: "throttled, beyond MaxAttempts", streak: 5, a: Attempt{Number: 6, Err: throttled, Throttles: 5}, want: 2 * time.Second, ceiling: 4 * time.Second},
		{name: "throttled, MaxBackoff below 4s", opts: StandardOptions{MaxBackoff: 1500 * time.Millisecond}, streak: 3, a: Attempt{Number: 4, Err: throttled, Throttles: 3}, want: 750 * time.Millisecond, ceiling: 1500 * time.Millisecond},
		{name: "throttled, MaxAttempts 1", opts: StandardOptions{MaxAttempts: 1}, streak: 1, a: Attempt{Number: 2, Err: throttled, Throttles: 1}, stopWith: throttled},
		{name: "retry-after 1s, then the draw", streak: 1, a: Attempt{Number: 2, Err: waitAsked(time.Second), Throttles: 1}, want: 1500 * time.Millisecond, ceiling: time.Second},
		{name: "retry-after capped by MaxBackoff", streak: 1, a: Attempt{Number: 2, Err: waitAsked(30 * time.Second), Throttles: 1}, want: 20 * time.Second, ceiling: time.Second},
		{name: "deadline shorter than the first draw", streak: 1, ctx: withDeadline(400 * time.Millisecond), a: Attempt{Number: 2, Err: throttled, Throttles: 1}, ceiling: time.Second, stopWith: throttled},
		{name: "deadline just after the draw", streak: 1, ctx: withDeadline(500 * time.Millisecond), a: Attempt{Number: 2, Err: throttled, Throttles: 1}, want: 500 * time.Millisecond, ceiling: time.Second},
		{name: "deadline before the retry-after", streak: 1, ctx: withDeadline(time.Second), a: Attempt{Number: 2, Err: waitAsked(time.Second), Throttles: 1}, ceiling: time.Second, stopWith: waitAsked(time.Second)},
		{name: "failure past the deadline", ctx: withDeadline(49 * time.Millisecond), a: Attempt{Number: 2, Err: unavailable, Failures: 1}, ceiling: 100 * time.Millisecond, stopWith: unavailable},
		{name: "no deadline: throttle wait bounded", streak: 1, a: Attempt{Number: 30, Err: throttled, Throttles: 29, Waited: time.Minute - 400*time.Millisecond}, ceiling: time.Second, stopWith: throttled},
		{name: "no deadline: within the bound", streak: 1, a: Attempt{Number: 30, Err: throttled, Throttles: 29, Waited: time.Minute - 500*time.Millisecond}, want: 500 * time.Millisecond, ceiling: time.Second},
		{name: "a deadline lifts the no-deadline bound", streak: 1, ctx: withDeadline(time.Hour), a: Attempt{Number: 90, Err: throttled, Throttles: 89, Waited: 10 * time.Minute}, want: 500 * time.Millisecond, ceiling: time.Second},
		{name: "not found never retried", a: Attempt{Number: 2, Err: notFound, Failures: 1}, stopWith: notFound},
		{name: "unclassified 4xx never retried", a: Attempt{Number: 2, Err: plain400, Failures: 1}, stopWith: plain400},
		{name: "untrusted certificate never retried", a: Attempt{Number: 2, Err: errUntrusted, Failures: 1}, stopWith: errUntrusted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &halfRand{}
			tc.opts.Now = func() time.Time { return t0 }
			tc.opts.Rand = r.draw
			s := NewStandard(tc.opts)
			for range tc.streak {
				s.Record(throttled)
			}
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			d, err := s.Delay(ctx, tc.a)
			if tc.stopWith != nil {
				require.Error(t, err)
				assert.Equal(t, tc.stopWith, err)
				assert.Zero(t, d)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want, d)
			}
			if tc.ceiling == 0 {
				assert.Empty(t, r.ceilings, "no draw")
			} else {
				assert.Equal(t, []time.Duration{tc.ceiling}, r.ceilings)
			}
		})
	}
}

func TestThrottleStreakShrinksOnSuccess(t *testing.T) {
	r := &halfRand{}
	s := NewStandard(StandardOptions{Now: func() time.Time { return t0 }, Rand: r.draw})
	for range 3 {
		s.Record(throttled)
	}
	s.Record(nil)
	d, err := s.Delay(context.Background(), Attempt{Number: 2, Err: throttled, Throttles: 1})
	require.NoError(t, err)
	assert.Equal(t, time.Second, d, "streak 3 less one success is 2: ceiling 2s")
}

func TestSleepUsesTheInjectedSleeper(t *testing.T) {
	var slept atomic.Int64
	s := NewStandard(StandardOptions{Sleep: func(_ context.Context, d time.Duration) bool { slept.Add(int64(d)); return true }})
	assert.True(t, s.Sleep(context.Background(), time.Hour))
	assert.Equal(t, int64(time.Hour), slept.Load())
}

func TestDefaultSleep(t *testing.T) {
	assert.True(t, sleep(context.Background(), 0))
	assert.True(t, sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.False(t, sleep(ctx, 0))
	for range 64 { // a zero timer would race the ended context: never asked for
		require.False(t, sleep(ctx, 0))
	}
	assert.False(t, sleep(ctx, time.Hour))
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err   error
		kind  Kind
		after time.Duration
	}{
		{throttled, Throttled, 0},
		{plain429, Throttled, 0},
		{waitAsked(time.Second), Throttled, time.Second},
		{unavailable, Failed, 0},
		{plain500, Failed, 0},
		{plain502, Failed, 0},
		{&signer.APIError{StatusCode: 599}, Failed, 0},
		{&signer.APIError{StatusCode: 499}, Fatal, 0},
		{plain400, Fatal, 0},
		{notFound, Fatal, 0},
		{&signer.APIError{StatusCode: 500, Code: "InvalidParameter"}, Fatal, 0},
		{&signer.APIError{StatusCode: 500, Code: "SignatureDoesNotMatch"}, Fatal, 0},
		{errConnRefused, Failed, 0},
		{context.DeadlineExceeded, Failed, 0},
		{errUntrusted, Fatal, 0},
		{fmt.Errorf("x: %w", x509.HostnameError{}), Fatal, 0},
		{fmt.Errorf("x: %w", x509.CertificateInvalidError{}), Fatal, 0},
	}
	for _, tc := range cases {
		t.Run(tc.err.Error(), func(t *testing.T) {
			k, after := Classify(fmt.Errorf("wrapped: %w", tc.err))
			assert.Equal(t, tc.kind, k)
			assert.Equal(t, tc.after, after)
		})
	}
}
