// Package retry is the retry policy of the kms and sae clients. A client
// asks its [Retryer] before every attempt of a call ([Retryer.Delay]),
// sleeps the answer with [Retryer.Sleep] and reports every outcome
// ([Retryer.Record]). [Standard] is the default policy; set a client's
// Retryer option to a [NewStandard] of your own (another clock, sleep or
// randomness, for tests) or to any Retryer. Standard:
//
//   - sorts each failure with [Classify]: [Fatal] ends the call, [Failed]
//     is retried up to MaxAttempts attempts per call, [Throttled] for as
//     long as the caller's deadline allows (without one, until the call has
//     waited MaxThrottleWait);
//   - waits a full-jitter draw from [0, min(cap, base·2^(n-1))) before a
//     retry: base [FailureBackoff] and n the call's failures, or base
//     [ThrottleBackoff], cap [ThrottleMaxBackoff] and n the client's recent
//     throttled answers; a wait the service asked for is the least wait,
//     MaxBackoff the most;
//   - paces a client that keeps failing: once its last [PaceAfter] outcomes
//     were Failed ones, every attempt of its calls, first ones included,
//     takes the next slot of one per [PaceInterval], until any other
//     outcome ends the pacing and wakes the attempts waiting for a slot. One
//     fault among many successful calls paces nobody.
//
// No wait passes the caller's deadline: the call ends at once instead, with
// its last failure (a call not yet sent: with an error wrapping the
// client's last failure). MaxAttempts 1 turns the policy off: one attempt
// per call, never paced.
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
	// was a previous attempt).
	Delay(ctx context.Context, a Attempt) (time.Duration, error)
	// Record reports the outcome of an attempt: nil for a success answer,
	// otherwise the failure (an *signer.APIError for an error answer).
	Record(err error)
	// Sleep waits d or until ctx ends, whichever is first, and reports
	// false when ctx ended the wait.
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
