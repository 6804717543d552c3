// Package retry is the retry policy of the kms and sae clients: which
// failures are tried again, how long to wait before each attempt, and how
// much a failing client may send.
//
// A client asks its Retryer before every attempt of a call (Delay), sleeps
// the answer with the Retryer's Sleep, and reports every outcome (Record).
// Standard is the default policy, built from Options.RetryMaxAttempts and
// Options.RetryMaxBackoff when Options.Retryer is nil; set Options.Retryer
// to a Standard of your own to change its clock, sleep or randomness (for
// tests), or to any Retryer to replace the policy.
//
// The default policy tells two situations apart:
//
//   - Throttling (signer.ErrThrottled: a throttling code, any HTTP 429, any
//     answer that asked for a wait) needs patience. It is retried for as
//     long as the caller's context allows (without a deadline, until the
//     call has waited MaxThrottleWait), after the wait the service asked
//     for plus a full-jitter draw whose ceiling grows with the client's
//     recent throttled answers up to ThrottleMaxBackoff.
//   - Other retryable failures (5xx, signer.ErrServiceUnavailable,
//     connection errors, per-attempt timeouts) need restraint. They are
//     retried up to MaxAttempts attempts per call with full jitter, and
//     while the client's latest answer was such a failure every attempt,
//     first ones included, spends a token of a budget shared by all calls
//     of the client (Budget tokens, one more each second and each success),
//     so a client whose service is down settles near one request per
//     second however often it is called. A budget wait lasts only while the
//     client fails: any call's success ends it, and a call whose token
//     would come at or after its deadline waits for that success instead,
//     up to the deadline, so one fault among many concurrent successful
//     calls fails none of them.
//
// MaxAttempts 1 turns the policy off: one attempt per call, no pacing.
//
// No wait ever passes the caller's deadline: when the backoff before the
// next attempt would end after it, the call ends at once with its last
// failure; a call still waiting for the budget at its deadline ends then,
// unsent, with the client's last failure.
package retry

import (
	"context"
	"time"
)

// Retryer decides whether and when a call makes its next attempt. One
// Retryer serves every call of a client, concurrently.
type Retryer interface {
	// Delay is called before every attempt. It returns how long to wait
	// before making attempt a.Number (zero: at once), or an error to end the
	// call with instead (a.Err itself, or an error wrapping it, when there
	// was a previous attempt). It may wait itself (Standard does, for a
	// budget token due at or after the deadline) and then ends with ctx.
	Delay(ctx context.Context, a Attempt) (time.Duration, error)
	// Record reports the outcome of an attempt: nil for a success answer,
	// otherwise the failure (an *signer.APIError for an error answer).
	Record(err error)
	// Sleep waits d or until ctx ends, whichever is first, and reports
	// whether the whole wait passed.
	Sleep(ctx context.Context, d time.Duration) bool
}

// Attempt is the state of a call when its next attempt is considered.
type Attempt struct {
	// Number is the attempt about to be made, 1-based.
	Number int
	// Err is the previous attempt's failure; nil before the first attempt.
	Err error
	// Failures counts the call's failed attempts that were not throttled.
	Failures int
	// Throttles counts the call's throttled attempts.
	Throttles int
	// Waited is the total wait the call has slept so far.
	Waited time.Duration
}
