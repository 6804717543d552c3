package reliability

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// simClock is virtual time for a fleet simulation. The simulated callers
// run for real (real requests over loopback to a real kmstest server) but
// every wait goes through Sleep, and the clock moves only when no caller
// is running: then it jumps to the earliest wake-up (plus quantum, to wake
// callers due within it together; nobody is ever woken early). The rate
// limit, the retry policy's clock and the deadlines all read Now, so the
// simulated seconds cost only the requests' real time.
type simClock struct {
	quantum time.Duration

	mu      sync.Mutex
	now     time.Time
	running int
	queue   wakeQueue
}

type sleeper struct {
	wake  time.Time
	ch    chan struct{}
	woken bool
	index int
}

func newSimClock(start time.Time, quantum time.Duration) *simClock {
	return &simClock{now: start, quantum: quantum}
}

// Now returns the virtual time.
func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Go runs f as a simulated caller.
func (c *simClock) Go(wg *sync.WaitGroup, f func()) {
	c.mu.Lock()
	c.running++
	c.mu.Unlock()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer c.exit()
		f()
	}()
}

func (c *simClock) exit() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.running--
	c.advance()
}

// Sleep is a retry.StandardOptions.Sleep on virtual time.
func (c *simClock) Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	c.mu.Lock()
	s := &sleeper{wake: c.now.Add(d), ch: make(chan struct{})}
	heap.Push(&c.queue, s)
	c.running--
	c.advance()
	c.mu.Unlock()
	select {
	case <-s.ch:
		return true
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		if !s.woken { // leave the queue and run again
			heap.Remove(&c.queue, s.index)
			s.woken = true
			c.running++
		}
		return false
	}
}

// advance moves the clock when every caller sleeps. Callers hold c.mu.
func (c *simClock) advance() {
	if c.running > 0 || c.queue.Len() == 0 {
		return
	}
	until := c.queue[0].wake.Add(c.quantum)
	for c.queue.Len() > 0 && !c.queue[0].wake.After(until) {
		s := heap.Pop(&c.queue).(*sleeper)
		if s.wake.After(c.now) {
			c.now = s.wake
		}
		s.woken = true
		c.running++
		close(s.ch)
	}
}

// virtualDeadline is a context whose deadline is on the virtual clock: it
// reports the deadline to the retry policy (which compares it with the
// virtual Now) but never expires in real time.
type virtualDeadline struct {
	context.Context
	deadline time.Time
}

func (v virtualDeadline) Deadline() (time.Time, bool) { return v.deadline, true }

type wakeQueue []*sleeper

func (q wakeQueue) Len() int           { return len(q) }
func (q wakeQueue) Less(i, j int) bool { return q[i].wake.Before(q[j].wake) }
func (q wakeQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *wakeQueue) Push(x any) {
	s := x.(*sleeper)
	s.index = len(*q)
	*q = append(*q, s)
}
func (q *wakeQueue) Pop() any {
	old := *q
	s := old[len(old)-1]
	*q = old[:len(old)-1]
	return s
}
