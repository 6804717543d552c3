package retry

import (
	"context"
	"sync"
	"time"
)

const (
	// PaceAfter is how many Failed outcomes in a row, across a client's
	// calls, make it a client that keeps failing.
	PaceAfter = 3
	// PaceInterval spaces the attempts of a client that keeps failing: the
	// first slot is PaceInterval after the failure that began the pacing.
	PaceInterval = time.Second
	maxStreak    = 16 // beyond it, ThrottleMaxBackoff caps the draw anyway
)

// client is what the calls of one client share: its Failed outcomes in a
// row, the pacing they began, and its throttle streak.
type client struct {
	mu       sync.Mutex
	failures int
	last     error           // the latest Failed outcome
	paced    context.Context // while pacing; cancelled when it ends
	endPaced context.CancelFunc
	next     time.Time // while pacing, the next free slot
	streak   int
}

// reserve returns the wait before an attempt whose backoff is d: while
// paced, the later of d and the next free slot, which it takes. A slot
// after deadline (zero: none) is not taken: it returns the last failure.
func (c *client) reserve(now time.Time, d time.Duration, deadline time.Time) (time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paced == nil {
		return d, nil
	}
	slot := now.Add(d)
	if slot.Before(c.next) {
		slot = c.next
	}
	if !deadline.IsZero() && slot.After(deadline) {
		return 0, c.last
	}
	c.next = slot.Add(PaceInterval)
	return slot.Sub(now), nil
}

// record counts an outcome: a Failed one may begin the pacing, any other
// ends it, forgiving the slots taken and waking their sleepers.
func (c *client) record(err error, now time.Time) {
	var kind Kind
	if err != nil { // Classify's errors.As calls are not free, and most calls succeed
		kind, _ = Classify(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err == nil:
		c.streak = max(0, c.streak-1)
	case kind == Throttled:
		c.streak = min(maxStreak, c.streak+1)
	case kind == Failed:
		c.failures++
		c.last = err
		if c.failures == PaceAfter {
			c.next = now.Add(PaceInterval)
			c.paced, c.endPaced = context.WithCancel(context.Background())
		}
		return
	}
	c.failures = 0
	if c.paced != nil {
		c.endPaced()
		c.paced = nil
	}
}

// pacing returns a context cancelled when the pacing ends; nil: not paced.
func (c *client) pacing() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paced
}

func (c *client) throttleStreak() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streak
}
