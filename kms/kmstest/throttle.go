package kmstest

import (
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
)

// RateLimit makes a Server shed load like the KMS gateway: requests above
// Rate per second are answered HTTP 429 with code Rejected.Throttling (the
// answer KMS documents), before any other check. Use it to test your own
// startup under throttling: many clients started together against
// WithRateLimit(RateLimit{Rate: 50}) should all load within their
// deadline, and Throttled tells how many requests were shed.
type RateLimit struct {
	// Rate is the number of requests admitted per second, measured on the
	// server's clock (WithClock; default time.Now). Must be positive.
	Rate float64
	// Burst is how many requests are admitted at once after a quiet spell,
	// and at the start. Zero: one second's worth (Rate, at least 1).
	Burst int
	// RetryAfter, when positive, is sent with each 429 as the
	// x-acs-retry-after header (milliseconds), which the kms client waits
	// at least before trying again. Zero: no header.
	RetryAfter time.Duration
}

// WithRateLimit sheds the requests above l.Rate per second with HTTP 429
// Rejected.Throttling. A Rate of zero or less leaves the server unlimited.
func WithRateLimit(l RateLimit) Option {
	return func(c *config) {
		if l.Rate <= 0 {
			c.limit = nil
			return
		}
		c.limit = &fakegw.RateLimit{Rate: l.Rate, Burst: l.Burst, RetryAfter: l.RetryAfter}
	}
}

// Throttled returns how many requests the rate limit shed (zero without
// WithRateLimit). Requests counts them too.
func (s *Server) Throttled() int {
	if s.gw.Limit == nil {
		return 0
	}
	return s.gw.Limit.Rejected()
}
