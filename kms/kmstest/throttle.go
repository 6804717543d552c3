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
	// server's clock (WithClock; default time.Now). Zero or less: no limit.
	Rate float64
	// Burst is how many requests are admitted at once after a quiet spell,
	// and at the start. Zero: one second's worth (Rate, at least 1).
	Burst int
	// RetryAfter, when positive, is sent with each 429 as the
	// x-acs-retry-after header (milliseconds), which the kms client waits
	// at least before trying again. Zero: no header.
	RetryAfter time.Duration
}

// bucket is the gateway's token bucket for l, full; nil without a limit.
func (l RateLimit) bucket() *fakegw.RateLimit {
	if l.Rate <= 0 {
		return nil
	}
	return &fakegw.RateLimit{Rate: l.Rate, Burst: l.Burst, RetryAfter: l.RetryAfter}
}

// WithRateLimit sheds the requests above l.Rate per second with HTTP 429
// Rejected.Throttling. A Rate of zero or less leaves the server unlimited.
func WithRateLimit(l RateLimit) Option {
	return func(c *config) { c.limit = l }
}

// SetRateLimit replaces the rate limit from now on, with a full bucket; a
// Rate of zero or less removes it.
func (h *Handler) SetRateLimit(l RateLimit) { h.gw.SetLimit(l.bucket()) }

// Throttled returns how many requests the rate limit shed. Requests counts
// them too.
func (h *Handler) Throttled() int { return h.gw.Throttled() }
