package retry

import (
	"errors"
	"sync"
	"time"
)

// state is what the calls of one client share: the retry budget (a token
// bucket spent only while the client is failing), the client's latest
// failure, and its throttle streak.
type state struct {
	mu       sync.Mutex
	tokens   float64 // may go negative: each unit below zero is a reservation one refill further away
	budget   float64
	refilled time.Time
	failing  bool          // the client's latest outcome was a Failed one
	recover  chan struct{} // closed when failing ends; nil while not failing
	last     error         // the latest Failed outcome
	streak   int           // recent throttled answers, less one per success
}

var errNoFailure = errors.New("no failure recorded")

// reserve takes a token for an attempt when the client is failing and
// returns how long until that token exists, and the channel closed when
// this failing spell ends (nil when no token was taken: the client is not
// failing).
func (st *state) reserve(now time.Time) (time.Duration, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.failing {
		return 0, nil
	}
	st.refill(now)
	st.tokens--
	return time.Duration(max(0, -st.tokens) * float64(BudgetRefill)), st.recover
}

// cancel gives back a token reserve took for an attempt not made (rec is
// reserve's channel; nil: none was taken).
func (st *state) cancel(rec <-chan struct{}) {
	if rec == nil {
		return
	}
	st.mu.Lock()
	st.tokens = min(st.budget, st.tokens+1)
	st.mu.Unlock()
}

// refill adds the tokens earned since the last refill; a clock going
// backwards earns nothing.
func (st *state) refill(now time.Time) {
	if !st.refilled.IsZero() && now.After(st.refilled) {
		st.tokens = min(st.budget, st.tokens+float64(now.Sub(st.refilled))/float64(BudgetRefill))
	}
	if st.refilled.IsZero() || now.After(st.refilled) {
		st.refilled = now
	}
}

func (st *state) record(err error, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.refill(now)
	if err == nil {
		st.setFailing(false)
		// Attempts queued on the budget go at once (see recovery): their
		// reservations are forgiven.
		st.tokens = min(st.budget, max(st.tokens, 0)+1)
		st.streak = max(0, st.streak-1)
		return
	}
	switch kind, _ := Classify(err); kind {
	case Throttled:
		st.setFailing(false)
		st.streak = min(maxStreak, st.streak+1)
	case Failed:
		st.setFailing(true)
		st.last = err
	default: // the service answered
		st.setFailing(false)
	}
}

func (st *state) setFailing(f bool) {
	switch {
	case f && !st.failing:
		st.recover = make(chan struct{})
	case !f && st.failing:
		close(st.recover)
		st.recover = nil
	}
	st.failing = f
}

// recovery returns a channel closed when the client stops failing, or nil
// when it is not failing: a wait begun while failing ends early once any
// call of the client gets an answer again.
func (st *state) recovery() <-chan struct{} {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.recover
}

func (st *state) throttleStreak() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.streak
}

func (st *state) lastFailure() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.last == nil {
		return errNoFailure
	}
	return st.last
}
