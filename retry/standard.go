package retry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Defaults of StandardOptions' zero values.
const (
	// DefaultMaxAttempts bounds the attempts of a call failing otherwise
	// than by throttling.
	DefaultMaxAttempts = 3
	// DefaultMaxBackoff caps one wait, the service's requested wait
	// included.
	DefaultMaxBackoff = 20 * time.Second
	// DefaultMaxThrottleWait bounds the total wait of a throttled call
	// whose context has no deadline.
	DefaultMaxThrottleWait = time.Minute
	// DefaultBudget is the number of attempts a failing client may make
	// at once before it is held to one per BudgetRefill.
	DefaultBudget = 5
)

// Backoff bases and ceilings: full jitter draws a wait from
// [0, min(ceiling, base*2^(n-1))) for the n-th retry.
const (
	// FailureBackoff is the base for failures other than throttling.
	FailureBackoff = 100 * time.Millisecond
	// ThrottleBackoff is the base for throttled answers; n is the number of
	// recent throttled answers of the whole client (see Standard).
	ThrottleBackoff = time.Second
	// ThrottleMaxBackoff caps the draw for throttled answers, so a fleet
	// settles on the gateway's rate instead of drifting apart for minutes.
	ThrottleMaxBackoff = 4 * time.Second
	// BudgetRefill is how often a failing client earns one more attempt.
	BudgetRefill = time.Second
	// maxStreak bounds the client's throttle streak; beyond it the cap
	// applies anyway.
	maxStreak = 16
)

// StandardOptions configure NewStandard. Zero values take the defaults.
type StandardOptions struct {
	// MaxAttempts is the number of attempts per call for failures other
	// than throttling; 1 turns the policy off: no retry, throttling
	// included, and no budget pacing (a call is sent at once, as often as
	// the caller makes one).
	// Zero: DefaultMaxAttempts. Negative values count as 1.
	MaxAttempts int
	// MaxBackoff caps one wait, the service's requested wait included.
	// Zero: DefaultMaxBackoff.
	MaxBackoff time.Duration
	// MaxThrottleWait bounds the total wait of a throttled call whose
	// context has no deadline. Zero: DefaultMaxThrottleWait.
	MaxThrottleWait time.Duration
	// Budget is the number of attempts a failing client may make before it
	// is held to one per BudgetRefill. Zero: DefaultBudget.
	Budget int
	// Now is the clock deadlines and the budget are read from.
	// Nil: time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends and reports whether d passed.
	// Nil: a timer.
	Sleep func(ctx context.Context, d time.Duration) bool
	// Rand returns a uniform draw from [0, n) for n > 0.
	// Nil: math/rand/v2's N.
	Rand func(n time.Duration) time.Duration
}

// Standard is the default Retryer (see the package documentation). It is
// safe for concurrent use; build it with NewStandard.
type Standard struct {
	o     StandardOptions
	state *state
}

// NewStandard returns a Standard with its own budget and throttle streak.
func NewStandard(o StandardOptions) *Standard {
	s := &Standard{}
	s.o = withDefaults(o)
	s.state = &state{tokens: float64(s.o.Budget), budget: float64(s.o.Budget)}
	return s
}

// Derive returns a Standard with the options fn changes (fn gets a copy of
// s's), sharing s's budget and throttle streak: per-call overrides of one
// client use it, so all its calls share one budget.
func (s *Standard) Derive(fn func(*StandardOptions)) *Standard {
	o := s.o
	fn(&o)
	return &Standard{o: withDefaults(o), state: s.state}
}

// Options returns the options in effect, defaults applied.
func (s *Standard) Options() StandardOptions { return s.o }

func withDefaults(o StandardOptions) StandardOptions {
	if o.MaxAttempts == 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	o.MaxAttempts = max(o.MaxAttempts, 1)
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxThrottleWait <= 0 {
		o.MaxThrottleWait = DefaultMaxThrottleWait
	}
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Rand == nil {
		o.Rand = rand.N[time.Duration]
	}
	return o
}

// Delay implements Retryer. While the client fails it takes a budget
// token; when that token comes at or after the deadline, Delay itself
// waits for the client's recovery, up to the deadline (see the package
// documentation).
func (s *Standard) Delay(ctx context.Context, a Attempt) (time.Duration, error) {
	if s.o.MaxAttempts == 1 {
		// Retries off: the caller sends once per call, and its own loop is
		// the pace (the kms.Cache's one-attempt background fetches, a
		// caller with a policy of its own above ours).
		return 0, a.Err
	}
	now := s.o.Now()
	var d time.Duration
	if a.Err != nil {
		// An if chain rather than a tagless switch: coverage, and so mutation
		// testing, does not see a switch's case expressions.
		kind, after := Classify(a.Err)
		if kind == Fatal {
			return 0, a.Err
		}
		if kind == Throttled {
			d = min(after+s.jitter(ThrottleBackoff, s.state.throttleStreak(), min(ThrottleMaxBackoff, s.o.MaxBackoff)), s.o.MaxBackoff)
			if _, ok := ctx.Deadline(); !ok && a.Waited+d > s.o.MaxThrottleWait {
				return 0, a.Err
			}
		} else if a.Failures >= s.o.MaxAttempts {
			return 0, a.Err
		} else {
			d = s.jitter(FailureBackoff, a.Failures, s.o.MaxBackoff)
		}
	}
	wait, rec := s.state.reserve(now)
	deadline, ok := ctx.Deadline()
	if !ok {
		return max(d, wait), nil
	}
	if d > 0 && now.Add(d).After(deadline) {
		// The backoff alone passes the deadline: report the real failure
		// now rather than a bare deadline error later.
		s.state.cancel(rec)
		return 0, a.Err
	}
	if wait == 0 || now.Add(wait).Before(deadline) {
		return max(d, wait), nil
	}
	// The token comes at or after the deadline. A budget wait lasts only
	// while the client fails, and any answer to any of its calls ends it, so
	// the call waits for that, up to the deadline, rather than failing now:
	// one fault among many concurrent successes must not fail a call with
	// time left.
	if s.sleepOrRecover(ctx, rec, deadline.Sub(now)); recovered(rec) {
		// The success forgave the reservation; the backoff still counts
		// from the failure (it ends before the deadline, checked above).
		return max(0, d-s.o.Now().Sub(now)), nil
	}
	// The deadline came first: the attempt is not made, at the deadline
	// instant or after, and its token goes back.
	s.state.cancel(rec)
	if a.Err == nil {
		return 0, fmt.Errorf("not sent: the client is failing and its retry budget is spent until after the deadline: %w", s.state.lastFailure())
	}
	return 0, a.Err
}

// Record implements Retryer.
func (s *Standard) Record(err error) { s.state.record(err, s.o.Now()) }

// Sleep implements Retryer with the Sleep option. A wait begun while the
// client is failing ends early, and reports true, when another call of the
// client gets an answer: the service is back and waiting on is pointless.
func (s *Standard) Sleep(ctx context.Context, d time.Duration) bool {
	rec := s.state.recovery()
	if rec == nil {
		return s.o.Sleep(ctx, d)
	}
	return s.sleepOrRecover(ctx, rec, d) || ctx.Err() == nil
}

// sleepOrRecover sleeps d with the Sleep option, ending early when rec is
// closed or ctx ends, and reports whether the whole of d passed.
func (s *Standard) sleepOrRecover(ctx context.Context, rec <-chan struct{}, d time.Duration) bool {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-rec:
			cancel()
		case <-sctx.Done():
		}
	}()
	return s.o.Sleep(sctx, d)
}

// recovered reports whether the failing spell rec belongs to has ended.
func recovered(rec <-chan struct{}) bool {
	select {
	case <-rec:
		return true
	default:
		return false
	}
}

// jitter draws from [0, min(ceiling, base*2^(n-1))). base and ceiling are
// positive (the defaults see to MaxBackoff), so the draw's bound is too.
func (s *Standard) jitter(base time.Duration, n int, ceiling time.Duration) time.Duration {
	c := base
	for i := 1; i < n; i++ {
		if c > ceiling/2 { // doubling would pass the ceiling, or overflow
			c = ceiling
			break
		}
		c <<= 1
	}
	return s.o.Rand(min(c, ceiling))
}

// sleep waits d or until ctx ends, whichever is first, and reports whether
// the full delay passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
