package retry

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// TestBudgetWaitPastTheDeadline: a token that comes only at or after the
// deadline makes the call wait for the client's recovery, up to the
// deadline, instead of failing at once; a backoff past the deadline still
// fails at once. The client is failing with its budget spent, so the next
// token is BudgetRefill (1s) away; the draw is half its ceiling.
func TestBudgetWaitPastTheDeadline(t *testing.T) {
	cases := []struct {
		name     string
		deadline time.Duration // from t0
		a        Attempt
		recover  bool          // another call succeeds during the wait
		advance  time.Duration // the clock's advance before that success
		want     time.Duration
		slept    []time.Duration // the waits Delay itself made
		stopWith error           // nil: no error; else the error it wraps
		next     time.Duration   // the next first attempt's wait, no deadline
	}{
		{name: "token before the deadline: no wait in Delay", deadline: 1001 * time.Millisecond, a: Attempt{Number: 1}, want: time.Second, next: 2 * time.Second},
		{name: "token at the deadline, no recovery: not sent, token back", deadline: time.Second, a: Attempt{Number: 1}, slept: []time.Duration{time.Second}, stopWith: signer.ErrServiceUnavailable, next: time.Second},
		{name: "token past the deadline, recovery: sent at once", deadline: 500 * time.Millisecond, a: Attempt{Number: 1}, recover: true, slept: []time.Duration{500 * time.Millisecond}, next: 0},
		{name: "retry, recovery: the backoff still waits", deadline: 500 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 3}, recover: true, want: 200 * time.Millisecond, slept: []time.Duration{500 * time.Millisecond}, next: 0},
		{name: "retry, recovery after part of the backoff", deadline: 500 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 3}, recover: true, advance: 150 * time.Millisecond, want: 50 * time.Millisecond, slept: []time.Duration{500 * time.Millisecond}, next: 0},
		{name: "retry, recovery after all of the backoff", deadline: 500 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 3}, recover: true, advance: 300 * time.Millisecond, want: 0, slept: []time.Duration{500 * time.Millisecond}, next: 0},
		{name: "retry, no recovery: its own failure", deadline: 500 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 1}, slept: []time.Duration{500 * time.Millisecond}, stopWith: plain500, next: time.Second},
		{name: "backoff past the deadline: at once, token back", deadline: 40 * time.Millisecond, a: Attempt{Number: 2, Err: plain500, Failures: 1}, stopWith: plain500, next: time.Second},
		{name: "deadline passed: at once, token back", deadline: -time.Second, a: Attempt{Number: 1}, slept: []time.Duration{-time.Second}, stopWith: signer.ErrServiceUnavailable, next: time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now := t0
			var (
				s     *Standard
				slept []time.Duration
			)
			s = NewStandard(StandardOptions{
				MaxAttempts: 10,
				Now:         func() time.Time { return now },
				Rand:        func(n time.Duration) time.Duration { return n / 2 },
				Sleep: func(ctx context.Context, d time.Duration) bool {
					slept = append(slept, d)
					if !tc.recover {
						return true
					}
					now = now.Add(tc.advance)
					s.Record(nil)
					<-ctx.Done() // the recovery ends the sleep
					return false
				},
			})
			s.Record(unavailable)
			for range DefaultBudget {
				d, err := s.Delay(context.Background(), Attempt{Number: 1})
				require.NoError(t, err)
				require.Zero(t, d)
			}
			d, err := s.Delay(withDeadline(tc.deadline), tc.a)
			if tc.stopWith != nil {
				require.ErrorIs(t, err, tc.stopWith)
				assert.Zero(t, d)
				if tc.a.Err == nil {
					assert.Contains(t, err.Error(), "retry budget")
				} else {
					assert.Equal(t, tc.a.Err, err)
				}
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want, d)
			}
			assert.Equal(t, tc.slept, slept)
			slept = nil
			next, err := s.Delay(context.Background(), Attempt{Number: 1})
			require.NoError(t, err)
			assert.Equal(t, tc.next, next, "the budget afterwards")
		})
	}
}

// TestOneFaultAmongManyCalls is the 64-goroutines regression: one
// transient fault while a client is busy must not fail the calls begun
// before its next success, however many queue on the budget (here 100,
// with 30s deadlines: 70 tokens would come at or after the deadline). The
// opposite, an outage where no success comes: the same calls are paced one
// per BudgetRefill and those whose token comes too late end with the
// client's failure, after waiting until their deadline, their tokens given
// back.
func TestOneFaultAmongManyCalls(t *testing.T) {
	const calls = 100
	const deadline = 30 * time.Second
	const late = calls - DefaultBudget - 29 // tokens at 30s and later
	for _, tc := range []struct {
		name      string
		recovers  bool
		failed    int
		waits     []time.Duration // sorted waits of the calls that go
		nextAfter time.Duration   // the next first attempt's wait afterwards
	}{
		{name: "a success comes: every call goes", recovers: true, waits: paced(late, calls-late), nextAfter: 0},
		{name: "outage: paced, the rest fail at the deadline", failed: late, waits: paced(0, calls-late), nextAfter: deadline},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				sleeping = make(chan struct{}, calls)
				release  = make(chan struct{})
				mu       sync.Mutex
				slept    []time.Duration
			)
			s := NewStandard(StandardOptions{
				Now: func() time.Time { return t0 },
				Sleep: func(ctx context.Context, d time.Duration) bool {
					mu.Lock()
					slept = append(slept, d)
					mu.Unlock()
					sleeping <- struct{}{}
					select {
					case <-ctx.Done():
						return false
					case <-release:
						return true
					}
				},
			})
			s.Record(errConnRefused)
			type result struct {
				d   time.Duration
				err error
			}
			results := make(chan result, calls)
			for range calls {
				go func() {
					var r result
					r.d, r.err = s.Delay(withDeadline(deadline), Attempt{Number: 1})
					results <- r
				}()
			}
			// Until every call has taken its token: the early ones return,
			// the late ones sleep (and cannot return before the release).
			var got []result
			for arrived := 0; arrived < calls; arrived++ {
				select {
				case <-sleeping:
				case r := <-results:
					got = append(got, r)
				}
			}
			if tc.recovers {
				s.Record(nil)
			} else {
				close(release)
			}
			for len(got) < calls {
				got = append(got, <-results)
			}
			var waits []time.Duration
			failed := 0
			for _, r := range got {
				if r.err != nil {
					failed++
					require.ErrorIs(t, r.err, errConnRefused)
					continue
				}
				waits = append(waits, r.d)
			}
			sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
			assert.Equal(t, tc.failed, failed)
			assert.Equal(t, tc.waits, waits)
			assert.Len(t, slept, late, "the calls whose token came at or after the deadline waited")
			for _, d := range slept {
				assert.Equal(t, deadline, d, "up to the deadline")
			}
			if !tc.recovers {
				s.Record(errConnRefused) // still failing
			}
			next, err := s.Delay(context.Background(), Attempt{Number: 1})
			require.NoError(t, err)
			assert.Equal(t, tc.nextAfter, next)
		})
	}
}

// paced returns, sorted, the waits of the first queued calls on a failing
// client's full budget (DefaultBudget at once, then one per BudgetRefill)
// and of sentAtOnce late calls sent at once after a recovery.
func paced(sentAtOnce, queued int) []time.Duration {
	var w []time.Duration
	for range sentAtOnce {
		w = append(w, 0)
	}
	for i := range queued {
		w = append(w, time.Duration(max(0, i+1-DefaultBudget))*BudgetRefill)
	}
	sort.Slice(w, func(i, j int) bool { return w[i] < w[j] })
	return w
}
