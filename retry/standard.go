package retry

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

const (
	// DefaultMaxAttempts is the default StandardOptions.MaxAttempts.
	DefaultMaxAttempts = 3
	// DefaultMaxBackoff is the default StandardOptions.MaxBackoff.
	DefaultMaxBackoff = 20 * time.Second
	// DefaultMaxThrottleWait is the default StandardOptions.MaxThrottleWait.
	DefaultMaxThrottleWait = time.Minute
	// FailureBackoff is the backoff base of Failed attempts.
	FailureBackoff = 100 * time.Millisecond
	// ThrottleBackoff is the backoff base of Throttled attempts; its n is
	// the client's streak: +1 per throttled answer, -1 per success.
	ThrottleBackoff = time.Second
	// ThrottleMaxBackoff caps a throttled draw, so a fleet settles on the
	// gateway's rate instead of drifting apart for minutes.
	ThrottleMaxBackoff = 4 * time.Second
)

// StandardOptions configure NewStandard. Zero values take the defaults.
type StandardOptions struct {
	// MaxAttempts is the attempts per call for Failed ones; 1 turns the
	// policy off (no retry, throttling included, no pacing). Zero:
	// DefaultMaxAttempts; negative: 1.
	MaxAttempts int
	// MaxBackoff caps one backoff, the service's requested wait included
	// (not a wait for a slot). Zero or less: DefaultMaxBackoff.
	MaxBackoff time.Duration
	// MaxThrottleWait bounds the total wait of a throttled call without a
	// deadline. Zero or less: DefaultMaxThrottleWait.
	MaxThrottleWait time.Duration
	// Now is the clock deadlines and slots are read on. Nil: time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends and reports whether d passed. Nil: a timer.
	Sleep func(ctx context.Context, d time.Duration) bool
	// Rand returns a uniform draw from [0, n), n > 0. Nil: math/rand/v2's N.
	Rand func(n time.Duration) time.Duration
}

// Standard is the default [Retryer] (see the package documentation), safe
// for concurrent use; build it with [NewStandard].
type Standard struct {
	o      StandardOptions
	client *client
}

// NewStandard returns a Standard with a limiter and throttle streak of its
// own (one per client).
func NewStandard(o StandardOptions) *Standard {
	return &Standard{o: withDefaults(o), client: &client{}}
}

// Derive returns a Standard with s's options as fn changes them (on a copy)
// and s's limiter and streak, for per-call overrides: a client is paced as one.
func (s *Standard) Derive(fn func(*StandardOptions)) *Standard {
	o := s.o
	fn(&o)
	return &Standard{o: withDefaults(o), client: s.client}
}

// Options returns the options in effect, defaults applied.
func (s *Standard) Options() StandardOptions { return s.o }

func withDefaults(o StandardOptions) StandardOptions {
	o.MaxAttempts = max(cmp.Or(o.MaxAttempts, DefaultMaxAttempts), 1)
	o.MaxBackoff = cmp.Or(max(o.MaxBackoff, 0), DefaultMaxBackoff)
	o.MaxThrottleWait = cmp.Or(max(o.MaxThrottleWait, 0), DefaultMaxThrottleWait)
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

// Delay implements [Retryer]; it never blocks.
func (s *Standard) Delay(ctx context.Context, a Attempt) (time.Duration, error) {
	if s.o.MaxAttempts == 1 {
		return 0, a.Err // off: the caller's own loop is the pace (kms.Cache's background fetches)
	}
	d, err := s.backoff(ctx, a)
	if err != nil {
		return 0, err
	}
	now := s.o.Now()
	deadline, ok := ctx.Deadline()
	if ok && d > 0 && now.Add(d).After(deadline) {
		return 0, a.Err // the real failure now rather than a deadline error later
	}
	wait, last := s.client.reserve(now, d, deadline)
	switch {
	case last == nil:
		return wait, nil
	case a.Err != nil:
		return 0, a.Err
	}
	return 0, fmt.Errorf("not sent: the client keeps failing and its next slot is after the deadline: %w", last)
}

// backoff returns the wait before retrying a.Err, or the error to end with.
func (s *Standard) backoff(ctx context.Context, a Attempt) (time.Duration, error) {
	if a.Err == nil {
		return 0, nil
	}
	switch kind, after := Classify(a.Err); {
	case kind == Fatal:
		return 0, a.Err
	case kind == Throttled:
		d := min(after+s.jitter(ThrottleBackoff, s.client.throttleStreak(), min(ThrottleMaxBackoff, s.o.MaxBackoff)), s.o.MaxBackoff)
		if _, ok := ctx.Deadline(); !ok && a.Waited+d > s.o.MaxThrottleWait {
			return 0, a.Err
		}
		return d, nil
	case a.Failures >= s.o.MaxAttempts:
		return 0, a.Err
	}
	return s.jitter(FailureBackoff, a.Failures, s.o.MaxBackoff), nil
}

// jitter draws from [0, min(ceiling, base·2^(n-1))); ceiling is positive.
func (s *Standard) jitter(base time.Duration, n int, ceiling time.Duration) time.Duration {
	if k := max(n-1, 0); base <= ceiling>>k { // base<<k neither passes the ceiling nor overflows
		return s.o.Rand(base << k)
	}
	return s.o.Rand(ceiling)
}

// Record implements [Retryer].
func (s *Standard) Record(err error) { s.client.record(err, s.o.Now()) }

// Sleep implements [Retryer] with the Sleep option. A wait begun while the
// client is paced ends early, reporting true, when the pacing does; one
// during which the pacing began goes on to the attempt's slot (or the
// deadline, when no slot comes before it).
func (s *Standard) Sleep(ctx context.Context, d time.Duration) bool {
	paced := s.client.pacing()
	if paced == nil {
		if !s.o.Sleep(ctx, d) || s.client.pacing() == nil {
			return ctx.Err() == nil
		}
		deadline, _ := ctx.Deadline()
		now := s.o.Now()
		w, err := s.client.reserve(now, 0, deadline)
		if err != nil {
			w = deadline.Sub(now)
		}
		return w <= 0 || s.Sleep(ctx, w)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(paced, cancel)()
	return s.o.Sleep(sctx, d) || ctx.Err() == nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil // a zero timer would race an ended ctx
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
