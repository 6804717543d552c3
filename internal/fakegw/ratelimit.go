package fakegw

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// RateLimit sheds the requests above Rate per second, the way the KMS
// gateway does: HTTP 429 with code Rejected.Throttling, and with
// x-acs-retry-after (milliseconds) when RetryAfter is positive. It is a
// token bucket on the gateway's clock holding at most Burst requests, full
// at the start, so a simulation on an injected clock is exact.
type RateLimit struct {
	Rate       float64 // requests per second; must be positive
	Burst      int     // bucket size; zero or less: one second's worth (Rate, at least 1)
	RetryAfter time.Duration

	mu      sync.Mutex
	tokens  float64
	last    time.Time
	started bool
}

// allow takes a token at now, reporting false when there is none.
func (l *RateLimit) allow(now time.Time) bool {
	burst := float64(l.Burst)
	if burst <= 0 {
		burst = max(1, l.Rate)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case !l.started:
		l.tokens, l.last, l.started = burst, now, true
	case now.After(l.last):
		l.tokens = min(burst, l.tokens+now.Sub(l.last).Seconds()*l.Rate)
		l.last = now
	}
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// shed answers a request over the limit l.
func (g *Gateway) shed(w http.ResponseWriter, r *http.Request, l *RateLimit) {
	if ms := l.RetryAfter.Milliseconds(); ms > 0 {
		w.Header().Set("x-acs-retry-after", strconv.FormatInt(ms, 10))
	}
	g.WriteError(w, r, http.StatusTooManyRequests, "Rejected.Throttling", "Request was denied due to request throttling.")
}
