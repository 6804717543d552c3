package retry

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// fakeClock is the injected clock of the limiter tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// paced returns a Standard on clock c whose draws are half their ceiling.
func paced(c *fakeClock, o StandardOptions) *Standard {
	o.Now = c.Now
	o.Rand = func(n time.Duration) time.Duration { return n / 2 }
	return NewStandard(o)
}

var first = Attempt{Number: 1}

// delays asks s for n first attempts without a deadline and returns the
// waits.
func delays(t *testing.T, s *Standard, n int) []time.Duration {
	t.Helper()
	var got []time.Duration
	for range n {
		d, err := s.Delay(context.Background(), first)
		require.NoError(t, err)
		got = append(got, d)
	}
	return got
}

// TestPacingStartsOnTheThirdFailureInARow: two Failed outcomes leave the
// client alone; the third paces every attempt, first ones included, to one
// slot per PaceInterval from that failure on.
func TestPacingStartsOnTheThirdFailureInARow(t *testing.T) {
	c := &fakeClock{now: t0}
	s := paced(c, StandardOptions{})
	s.Record(errConnRefused)
	s.Record(plain500)
	assert.Equal(t, []time.Duration{0, 0, 0}, delays(t, s, 3), "two failures in a row: not paced")

	c.advance(300 * time.Millisecond)
	s.Record(unavailable) // the third: the first slot is 1s from now
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, delays(t, s, 3))

	c.advance(1500 * time.Millisecond) // the slots continue from the last taken
	assert.Equal(t, []time.Duration{2500 * time.Millisecond, 3500 * time.Millisecond}, delays(t, s, 2))

	s.Record(unavailable) // more failures neither restart nor move the slots
	assert.Equal(t, []time.Duration{4500 * time.Millisecond}, delays(t, s, 1))
	c.advance(20 * time.Second)
	assert.Equal(t, []time.Duration{0, time.Second}, delays(t, s, 2), "an idle client's missed slots are not saved up")
}

// TestPacedRetryWaitsForTheLaterOfBackoffAndSlot: a paced retry waits for
// its slot or its backoff, whichever ends later, and the next slot counts
// from when it goes.
func TestPacedRetryWaitsForTheLaterOfBackoffAndSlot(t *testing.T) {
	c := &fakeClock{now: t0}
	s := paced(c, StandardOptions{MaxAttempts: 10})
	for range PaceAfter {
		s.Record(unavailable)
	}
	d, err := s.Delay(context.Background(), Attempt{Number: 4, Err: unavailable, Failures: 3})
	require.NoError(t, err)
	assert.Equal(t, time.Second, d, "the slot: the backoff is 200ms")
	d, err = s.Delay(context.Background(), Attempt{Number: 8, Err: unavailable, Failures: 7})
	require.NoError(t, err)
	assert.Equal(t, 3200*time.Millisecond, d, "the backoff: the slot is at 2s")
	assert.Equal(t, []time.Duration{4200 * time.Millisecond}, delays(t, s, 1))
}

// TestOtherOutcomesEndPacing: a success, a throttled answer or any other
// answer of the service ends the pacing and the count of failures in a
// row; the slots taken are forgiven.
func TestOtherOutcomesEndPacing(t *testing.T) {
	for _, outcome := range []error{nil, throttled, plain429, notFound, plain400} {
		name := "success"
		if outcome != nil {
			name = outcome.Error()
		}
		t.Run(name, func(t *testing.T) {
			c := &fakeClock{now: t0}
			s := paced(c, StandardOptions{})
			for range PaceAfter {
				s.Record(unavailable)
			}
			require.Equal(t, []time.Duration{time.Second, 2 * time.Second}, delays(t, s, 2))
			s.Record(outcome)
			assert.Equal(t, []time.Duration{0, 0, 0}, delays(t, s, 3), "pacing ended")

			s.Record(unavailable)
			s.Record(unavailable)
			assert.Equal(t, []time.Duration{0}, delays(t, s, 1), "the count began again")
			s.Record(unavailable)
			assert.Equal(t, []time.Duration{time.Second}, delays(t, s, 1), "paced afresh, from this failure")
		})
	}
}

// TestSlotPastTheDeadline: an attempt whose slot would come after its
// deadline ends at once, a retry with its own failure, a first attempt
// unsent with an error wrapping the client's last failure; the slot is
// not taken.
func TestSlotPastTheDeadline(t *testing.T) {
	last := &signer.APIError{StatusCode: 503, Code: "ServiceUnavailable", Message: "the last one"}
	cases := []struct {
		name     string
		deadline time.Duration // from t0; the free slot is at 1s
		a        Attempt
		want     time.Duration
		stopWith error // the call ends with this error (errors.Is)
		next     time.Duration
	}{
		{name: "first attempt, slot before the deadline", deadline: 1001 * time.Millisecond, a: first, want: time.Second, next: 2 * time.Second},
		{name: "first attempt, slot at the deadline", deadline: time.Second, a: first, want: time.Second, next: 2 * time.Second},
		{name: "first attempt, slot after the deadline", deadline: 999 * time.Millisecond, a: first, stopWith: last, next: time.Second},
		{name: "first attempt, deadline passed", deadline: -time.Second, a: first, stopWith: last, next: time.Second},
		{name: "retry, slot after the deadline", deadline: 500 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 1}, stopWith: plain500, next: time.Second},
		{name: "retry, slot before the deadline", deadline: 1500 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 1}, want: time.Second, next: 2 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{now: t0}
			s := paced(c, StandardOptions{})
			s.Record(errConnRefused)
			s.Record(plain500)
			s.Record(last)
			d, err := s.Delay(withDeadline(tc.deadline), tc.a)
			if tc.stopWith != nil {
				require.ErrorIs(t, err, tc.stopWith)
				assert.Zero(t, d)
				if tc.a.Err != nil {
					assert.Equal(t, tc.a.Err, err, "the attempt's own failure")
				} else {
					require.ErrorIs(t, err, signer.ErrServiceUnavailable)
					assert.Contains(t, err.Error(), "not sent: the client keeps failing")
				}
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want, d)
			}
			assert.Equal(t, []time.Duration{tc.next}, delays(t, s, 1), "the next free slot")
		})
	}
}

// TestDeriveSharesTheLimiter: a per-call variant has its own options and
// its client's limiter: failures recorded by either pace both.
func TestDeriveSharesTheLimiter(t *testing.T) {
	c := &fakeClock{now: t0}
	s := paced(c, StandardOptions{})
	v := s.Derive(func(o *StandardOptions) { o.MaxAttempts = 7 })
	assert.Equal(t, 7, v.Options().MaxAttempts)
	assert.Equal(t, DefaultMaxAttempts, s.Options().MaxAttempts)
	v.Record(unavailable)
	s.Record(unavailable)
	v.Record(unavailable)
	assert.Equal(t, []time.Duration{time.Second}, delays(t, s, 1))
	assert.Equal(t, []time.Duration{2 * time.Second}, delays(t, v, 1))
	s.Record(nil)
	assert.Equal(t, []time.Duration{0}, delays(t, v, 1))
}

// TestOneAttemptIsNeverPaced: MaxAttempts 1 turns the policy off: neither
// retried nor paced, however often the client fails, and its attempts take
// no slot from the client's other calls.
func TestOneAttemptIsNeverPaced(t *testing.T) {
	c := &fakeClock{now: t0}
	s := paced(c, StandardOptions{})
	off := s.Derive(func(o *StandardOptions) { o.MaxAttempts = 1 })
	for range 2 * PaceAfter {
		off.Record(unavailable)
	}
	assert.Equal(t, []time.Duration{0, 0, 0, 0, 0}, delays(t, off, 5))
	_, err := off.Delay(context.Background(), Attempt{Number: 2, Err: unavailable, Failures: 1})
	assert.Equal(t, unavailable, err, "no retry")
	_, err = off.Delay(context.Background(), Attempt{Number: 2, Err: throttled, Throttles: 1})
	assert.Equal(t, throttled, err, "no retry of throttling either")
	assert.Equal(t, []time.Duration{time.Second}, delays(t, s, 1), "the client is paced; off took no slot")
}

// receive waits for a value from ch; the bound is a liveness guard only,
// far above anything the test waits for.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("nothing came")
		var zero T
		return zero
	}
}

// TestSleepWakesOnRecovery: a wait begun while the client is paced ends,
// reporting true, as soon as the pacing ends; a further failure does not
// end it, the caller's context still does, and a wait begun while not
// paced is the injected sleep's alone.
func TestSleepWakesOnRecovery(t *testing.T) {
	started := make(chan context.Context)
	release := make(chan struct{})
	s := NewStandard(StandardOptions{Sleep: func(ctx context.Context, d time.Duration) bool {
		started <- ctx
		select {
		case <-ctx.Done(): // the wait cut short
			return false
		case <-release: // the whole wait
			return true
		}
	}})
	sleep := func(ctx context.Context) <-chan bool {
		done := make(chan bool, 1)
		go func() { done <- s.Sleep(ctx, time.Hour) }()
		return done
	}
	for range PaceAfter {
		s.Record(unavailable)
	}

	done := sleep(context.Background())
	receive(t, started)
	s.Record(nil)
	assert.True(t, receive(t, done), "woken by the recovery")

	for range PaceAfter {
		s.Record(unavailable)
	}
	done = sleep(context.Background())
	sctx := receive(t, started)
	s.Record(unavailable)
	require.NoError(t, sctx.Err(), "still failing: still waiting")
	release <- struct{}{}
	assert.True(t, receive(t, done))

	ctx, cancel := context.WithCancel(context.Background())
	done = sleep(ctx)
	receive(t, started)
	cancel()
	assert.False(t, receive(t, done), "ended by the caller")

	s.Record(nil)
	bg := context.Background()
	done = sleep(bg)
	assert.Equal(t, bg, receive(t, started), "not paced: the caller's context as it is")
	release <- struct{}{}
	assert.True(t, receive(t, done))
}

// TestOneFaultAmongConcurrentSuccesses: one failure recorded among many
// concurrent successful calls, in whatever order, paces nobody; three
// concurrent failures with nothing between them pace the client in any
// order.
func TestOneFaultAmongConcurrentSuccesses(t *testing.T) {
	const calls = 64
	c := &fakeClock{now: t0}
	s := paced(c, StandardOptions{})
	var wg sync.WaitGroup
	waits := make(chan time.Duration, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.Delay(withDeadline(time.Second), first)
			assert.NoError(t, err)
			waits <- d
			if i == calls/2 {
				s.Record(errConnRefused)
				return
			}
			s.Record(nil)
		}()
	}
	wg.Wait()
	close(waits)
	for d := range waits {
		assert.Zero(t, d)
	}
	assert.Equal(t, []time.Duration{0}, delays(t, s, 1), "not paced afterwards")

	for range PaceAfter {
		wg.Add(1)
		go func() { defer wg.Done(); s.Record(unavailable) }()
	}
	wg.Wait()
	assert.Equal(t, []time.Duration{time.Second}, delays(t, s, 1))
}

func TestDefaults(t *testing.T) {
	o := NewStandard(StandardOptions{MaxAttempts: -4}).Options()
	assert.Equal(t, 1, o.MaxAttempts)
	assert.Equal(t, DefaultMaxBackoff, o.MaxBackoff)
	assert.Equal(t, DefaultMaxThrottleWait, o.MaxThrottleWait)
	o = NewStandard(StandardOptions{}).Options()
	assert.Equal(t, DefaultMaxAttempts, o.MaxAttempts)
}

// TestSleepDuringWhichPacingBegan: a retry whose backoff was drawn before
// the client began pacing (other calls' failures came while it slept)
// goes on sleeping until a slot, like every other attempt: a client that
// keeps failing sends one request a second after its first three. Without
// a slot before the deadline it sleeps until the deadline.
func TestSleepDuringWhichPacingBegan(t *testing.T) {
	c := &fakeClock{now: t0}
	var slept []time.Duration
	var s *Standard
	s = paced(c, StandardOptions{Sleep: func(ctx context.Context, d time.Duration) bool {
		slept = append(slept, d)
		if len(slept) == 1 { // while the first wait runs, two more calls fail
			s.Record(unavailable)
			s.Record(unavailable)
		}
		c.advance(d)
		return ctx.Err() == nil
	}})
	s.Record(unavailable)
	d, err := s.Delay(context.Background(), Attempt{Number: 2, Err: unavailable, Failures: 1})
	require.NoError(t, err)
	require.Equal(t, 50*time.Millisecond, d, "not paced yet: the backoff")
	assert.True(t, s.Sleep(context.Background(), d))
	assert.Equal(t, []time.Duration{50 * time.Millisecond, 950 * time.Millisecond}, slept, "then until the first slot, 1s after the third failure")
	assert.Equal(t, []time.Duration{time.Second}, delays(t, s, 1), "the slot was taken")

	// A slot past the deadline: the sleep lasts until the deadline.
	c2 := &fakeClock{now: t0}
	slept = nil
	s = paced(c2, StandardOptions{Sleep: func(ctx context.Context, d time.Duration) bool {
		slept = append(slept, d)
		if len(slept) == 1 {
			s.Record(unavailable)
			s.Record(unavailable)
		}
		c2.advance(d)
		return true
	}})
	s.Record(unavailable)
	assert.True(t, s.Sleep(deadlineCtx{context.Background(), t0.Add(300 * time.Millisecond)}, 50*time.Millisecond))
	assert.Equal(t, []time.Duration{50 * time.Millisecond, 250 * time.Millisecond}, slept)
}
